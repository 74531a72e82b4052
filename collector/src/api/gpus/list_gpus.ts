/**
 * GET /api/gpus: the tenant's GPUs, filtered by status and provider, paginated. Each page is kept
 * serialised until the tenant's GPUs change (store revision), their prices change (a new
 * evaluation: pricing revision), a listed GPU's status would flip, or one second passes — so a
 * filtered listing may lag a status change elsewhere, or a price expiring, by at most 1 s.
 */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { isoStamper, prepareEnvelope, sendPrepared, type PreparedEnvelope } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { paging } from '../schemas.js';
import { GPU_STATUSES, IDLE_BELOW_PCT, OFFLINE_AFTER_MS, gpuView, presentGpu } from './present_gpu.js';

// Not strict: `api_key` and cache-busters may ride along in the query string.
const query = z.object({
  ...paging,
  status: z.enum(GPU_STATUSES).optional(),
  provider: z.enum(['aws', 'gcp', 'azure', 'on_prem']).optional(),
});
type Query = z.infer<typeof query>;

const response = z.object({ gpus: z.array(gpuView), total: z.number(), page: z.number(), per_page: z.number() });

const CACHE_TTL_MS = 1000;
const CACHE_MAX = 10_000;

interface CachedPage {
  revision: number;
  pricingRevision: number;
  validUntilMs: number;
  envelope: PreparedEnvelope;
}

function buildPage(deps: ApiDeps, tenantId: string, q: Query, now: Date, revision: number, pricingRevision: number): CachedPage {
  const { rows, total } = deps.store.gpus.list(tenantId, {
    page: q.page, perPage: q.per_page, status: q.status, provider: q.provider,
    onlineSince: new Date(now.getTime() - OFFLINE_AFTER_MS).toISOString(), idleBelowPct: IDLE_BELOW_PCT,
  });
  // Statuses cannot change before validUntilMs, so the page's JSON is good while it is cached.
  let validUntilMs = now.getTime() + CACHE_TTL_MS;
  for (const g of rows) {
    const flip = g.lastSeenAt ? Date.parse(g.lastSeenAt) + OFFLINE_AFTER_MS : 0;
    if (flip > now.getTime()) validUntilMs = Math.min(validUntilMs, flip);
  }
  const gpus = rows.map((g) => presentGpu(g, now, deps.pricing?.price(g)));
  const json = JSON.stringify({ gpus, total, page: q.page, per_page: q.per_page });
  const envelope = prepareEnvelope(json, 'GPUs', { page: q.page, perPage: q.per_page, total });
  return { revision, pricingRevision, validUntilMs, envelope };
}

/** Registers GET /api/gpus. */
export function registerListGpus(router: ApiRouter, deps: ApiDeps): void {
  const cache = new Map<string, CachedPage>();
  const stamp = isoStamper();
  router.add(
    { method: 'get', path: '/api/gpus', operationId: 'listGpus', summary: "List the user's GPUs", tag: 'gpus', auth: 'user', query, response, paginated: true },
    (c, { query: q }) => {
      const { user } = principalOf(c);
      const key = `${user.id}|${q.page}|${q.per_page}|${q.status ?? ''}|${q.provider ?? ''}`;
      const revision = deps.store.gpus.revision(user.id);
      const pricingRevision = deps.pricing?.revision(user.id) ?? 0;
      const now = deps.clock.now();
      let page = cache.get(key);
      if (!page || page.revision !== revision || page.pricingRevision !== pricingRevision || page.validUntilMs <= now.getTime()) {
        page = buildPage(deps, user.id, q, now, revision, pricingRevision);
        if (cache.size >= CACHE_MAX) cache.clear();
        cache.set(key, page);
      }
      return sendPrepared(c, stamp(now), page.envelope);
    },
  );
}
