/**
 * Feeds the engine: finds the instance a GPU lives on (its host's GPUs), reads their hourly
 * rollups over the lookback, evaluates, and remembers the result for GET /api/gpus.
 * Every read is bounded by tenant and window.
 */
import { loadCatalog, type Catalog } from '@gpuoptimizer/shared';
import {
  ThresholdError,
  recommend,
  resolveThresholds,
  type InstanceResult,
  type InstanceUnderReview,
  type Thresholds,
} from '../../domain/recommendations/index.js';
import type { Clock, UsageReader } from '../../ports.js';
import type { GpusRepo, GpuSummary } from '../../stores/app/types.js';
import { ApiError } from '../errors.js';
import type { RecommendationCache } from './cache.js';
import type { ProcessReader } from './deps.js';

const HOUR_MS = 3_600_000;
const PAGE = 100;

/** What an evaluation needs: the narrow interfaces, so tests hand in fakes of each. */
export interface RecommendationDeps {
  gpus: Pick<GpusRepo, 'byId' | 'list'>;
  usage: UsageReader;
  catalog: () => Catalog;
  clock: Clock;
  thresholds?: Partial<Thresholds>;
  processes?: ProcessReader;
  cache?: RecommendationCache;
}

let bundled: Catalog | undefined;
/** The catalog shipped in @gpuoptimizer/shared, loaded once on first use. */
export function bundledCatalog(): Catalog {
  bundled ??= loadCatalog();
  return bundled;
}

/** Every GPU of the tenant (all statuses), in the store's stable order. */
export function listAllGpus(gpus: RecommendationDeps['gpus'], tenantId: string): GpuSummary[] {
  const all: GpuSummary[] = [];
  for (let page = 1; ; page++) {
    const { rows, total } = gpus.list(tenantId, { page, perPage: PAGE, onlineSince: new Date(0).toISOString(), idleBelowPct: 0 });
    all.push(...rows);
    if (rows.length < PAGE || all.length >= total) return all;
  }
}

/** Groups GPUs by the instance (host) they live on; a GPU without a host is its own instance. */
export function groupByInstance(gpus: GpuSummary[]): GpuSummary[][] {
  const groups = new Map<string, GpuSummary[]>();
  for (const g of gpus) {
    const key = g.hostId ? `host:${g.hostId}` : `gpu:${g.id}`;
    groups.set(key, [...(groups.get(key) ?? []), g]);
  }
  return [...groups.values()];
}

/** The engine's view of one instance, from its GPUs' rows in the app store. */
export function instanceOf(group: GpuSummary[]): InstanceUnderReview {
  const first = group[0];
  return {
    provider: first?.provider ?? 'on_prem',
    instance_type: first?.instanceType ?? 'unknown',
    region: first?.region ?? 'unknown',
    lifecycle: first?.lifecycle === 'spot' ? 'spot' : 'on_demand',
    gpus: group.flatMap((g, index) => (g.uuid ? [{ uuid: g.uuid, index, name: g.model ?? g.name, memory_total_mib: g.memoryTotalMib }] : [])),
  };
}

/** Checks per-request overrides (a bad lookback is the caller's mistake: 400). */
export function thresholdsFor(deps: RecommendationDeps, lookbackDays: number | undefined): Thresholds {
  try {
    return resolveThresholds({ ...deps.thresholds, ...(lookbackDays === undefined ? {} : { lookbackDays }) });
  } catch (err) {
    if (err instanceof ThresholdError) throw new ApiError('INVALID_REQUEST', 'The request is invalid', err.message);
    throw err;
  }
}

/** Evaluates one instance and caches the result. */
export async function evaluateInstance(deps: RecommendationDeps, tenantId: string, group: GpuSummary[], t: Thresholds): Promise<InstanceResult> {
  const now = deps.clock.now();
  const instance = instanceOf(group);
  const end = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const start = new Date(end.getTime() - t.lookbackDays * 24 * HOUR_MS);
  const uuids = instance.gpus.map((g) => g.uuid);
  let usage;
  let processes;
  try {
    usage = await Promise.all(uuids.map(async (uuid) => ({ gpu_uuid: uuid, hourly: await deps.usage.hourlyUsage(tenantId, uuid, start, end) })));
    processes = deps.processes && uuids.length > 0 ? await deps.processes(tenantId, uuids, start, end) : undefined;
  } catch (err) {
    throw new ApiError('UNAVAILABLE', 'Usage data is unavailable', `the metrics store did not answer: ${(err as Error).message}`);
  }
  const result = recommend({ instance, usage, processes, catalog: deps.catalog(), thresholds: t, now });
  const evaluated: InstanceResult = { gpu_ids: group.map((g) => g.id), host_id: group[0]?.hostId ?? null, result };
  deps.cache?.put(tenantId, evaluated, now);
  return evaluated;
}

/** Evaluates every instance of a tenant, a few at a time. */
export async function evaluateTenant(deps: RecommendationDeps, tenantId: string, t: Thresholds, concurrency = 4): Promise<InstanceResult[]> {
  const groups = groupByInstance(listAllGpus(deps.gpus, tenantId));
  const results: InstanceResult[] = [];
  for (let i = 0; i < groups.length; i += concurrency) {
    results.push(...(await Promise.all(groups.slice(i, i + concurrency).map((g) => evaluateInstance(deps, tenantId, g, t)))));
  }
  return results;
}
