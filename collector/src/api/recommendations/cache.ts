/**
 * The last evaluation of each GPU, so `GET /api/gpus` (synchronous, one row per GPU) can show
 * `savings` without re-reading a fortnight of rollups per row. Filled by the optimize and fleet
 * routes (and by any job that calls evaluateTenant); entries expire after `ttlMs`.
 */
import { gpuSavingsShare, type InstanceResult } from '../../domain/recommendations/index.js';

/** What GET /api/gpus shows for one GPU. */
export interface GpuFigures {
  /** USD per GPU-hour from the catalog, or null when it cannot be priced. */
  cost_per_hour: number | null;
  /** USD per month: the instance's combined savings shared among its GPUs. */
  savings: number;
  gpu_count: number;
}

/** Remembers evaluations per tenant and GPU id. */
export interface RecommendationCache {
  put(tenantId: string, result: InstanceResult, now: Date): void;
  get(tenantId: string, gpuId: string, now: Date): GpuFigures | null;
  /** Changes on every put for the tenant (GET /api/gpus rebuilds its cached page then). */
  revision(tenantId: string): number;
  /** USD per month across every GPU evaluated within the ttl (all tenants): /api/stats' cost_savings. */
  totalSavings(now: Date): number;
}

/** An in-memory cache (one collector process); `ttlMs` defaults to one hour, the rollup grain. */
export function createRecommendationCache(ttlMs = 3_600_000, maxEntries = 100_000): RecommendationCache {
  const entries = new Map<string, { figures: GpuFigures; at: number }>();
  // Revisions come from one counter, so a value never repeats; after the map is cleared, every
  // tenant reads the highest value handed out, which differs from any page built before it.
  const revisions = new Map<string, number>();
  let counter = 0;
  let floor = 0;
  return {
    put(tenantId, { gpu_ids, result }, now) {
      const figures: GpuFigures = {
        cost_per_hour: result.instance.usd_per_gpu_hour,
        savings: gpuSavingsShare(result),
        gpu_count: result.instance.gpu_count,
      };
      for (const id of gpu_ids) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(`${tenantId}|${id}`, { figures, at: now.getTime() });
      }
      if (revisions.size >= maxEntries) {
        revisions.clear();
        floor = counter;
      }
      revisions.set(tenantId, ++counter);
    },
    revision(tenantId) {
      return revisions.get(tenantId) ?? floor;
    },
    get(tenantId, gpuId, now) {
      const hit = entries.get(`${tenantId}|${gpuId}`);
      return hit && now.getTime() - hit.at <= ttlMs ? hit.figures : null;
    },
    totalSavings(now) {
      let total = 0;
      for (const e of entries.values()) if (now.getTime() - e.at <= ttlMs) total += e.figures.savings;
      return Math.round(total * 100) / 100;
    },
  };
}
