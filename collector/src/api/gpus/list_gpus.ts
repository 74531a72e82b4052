/** GET /api/gpus: the tenant's GPUs, filtered by status and provider, paginated. */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { paging } from '../schemas.js';
import { GPU_STATUSES, IDLE_BELOW_PCT, OFFLINE_AFTER_MS, gpuView, presentGpu } from './present_gpu.js';

// Not strict: `api_key` and cache-busters may ride along in the query string.
const query = z.object({
  ...paging,
  status: z.enum(GPU_STATUSES).optional(),
  provider: z.enum(['aws', 'gcp', 'azure', 'on_prem']).optional(),
});

const response = z.object({ gpus: z.array(gpuView), total: z.number(), page: z.number(), per_page: z.number() });

/** Registers GET /api/gpus. */
export function registerListGpus(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    { method: 'get', path: '/api/gpus', operationId: 'listGpus', summary: "List the user's GPUs", tag: 'gpus', auth: 'user', query, response, paginated: true },
    (c, { query: q }) => {
      const { user } = principalOf(c);
      const now = deps.clock.now();
      const { rows, total } = deps.store.gpus.list(user.id, {
        page: q.page, perPage: q.per_page, status: q.status, provider: q.provider,
        onlineSince: new Date(now.getTime() - OFFLINE_AFTER_MS).toISOString(), idleBelowPct: IDLE_BELOW_PCT,
      });
      const data = { gpus: rows.map((g) => presentGpu(g, now, deps.pricing)), total, page: q.page, per_page: q.per_page };
      return ok(c, deps.clock, data, 'GPUs', { page: { page: q.page, perPage: q.per_page, total } });
    },
  );
}
