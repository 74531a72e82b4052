/**
 * The recommendations area: GET /api/gpus/{id}/optimize and GET /api/recommendations, plus the
 * GpuPricing that gives GET /api/gpus its cost_per_hour and savings from the same engine.
 *
 * Composition root: pass `recommendations: { usage, catalog?, thresholds?, processes?, cache }`
 * in ApiDeps, `pricing: createGpuPricing({ catalog, cache, clock })` with the same cache, and
 * register this area (`createApi(deps, { areas: [registerRecommendationRoutes] })` or app.ts AREAS).
 */
import type { Catalog } from '@gpuoptimizer/shared';
import { gpuCostPerHour } from '../../domain/recommendations/index.js';
import type { Clock } from '../../ports.js';
import type { ApiDeps, GpuPricing } from '../deps.js';
import type { ApiRouter } from '../route_table.js';
import type { RecommendationCache } from './cache.js';
import { bundledCatalog, type RecommendationDeps } from './evaluate.js';
import { registerGetOptimize } from './get_optimize.js';
import { registerListRecommendations } from './list_recommendations.js';
import './deps.js';

export { createRecommendationCache, type GpuFigures, type RecommendationCache } from './cache.js';
export { evaluateInstance, evaluateTenant, type RecommendationDeps } from './evaluate.js';
export type { ProcessReader } from './deps.js';

/** The area's dependencies from ApiDeps, or null when the composition root gave no usage reader. */
export function recommendationDepsOf(deps: ApiDeps): RecommendationDeps | null {
  const r = deps.recommendations;
  if (!r) return null;
  return { gpus: deps.store.gpus, usage: r.usage, catalog: r.catalog ?? bundledCatalog, clock: deps.clock, thresholds: r.thresholds, processes: r.processes, cache: r.cache };
}

/** Registers every route of the recommendations area. */
export function registerRecommendationRoutes(router: ApiRouter, deps: ApiDeps): void {
  const built = recommendationDepsOf(deps);
  registerGetOptimize(router, () => built);
  registerListRecommendations(router, () => built);
}

/**
 * GET /api/gpus' pricing: the last evaluation's figures when cached, else the catalog's cost per
 * GPU-hour and null savings (not evaluated yet). GCP N1 hosts are named by their GPU count, which
 * one row does not know, so they stay null until evaluated.
 */
export function createGpuPricing(opts: { clock: Clock; cache?: RecommendationCache; catalog?: () => Catalog }): GpuPricing {
  const catalog = opts.catalog ?? bundledCatalog;
  const price: GpuPricing['price'] = (g) => {
    const hit = opts.cache?.get(g.tenantId, g.id, opts.clock.now());
    if (hit) return { cost_per_hour: hit.cost_per_hour, savings: hit.savings };
    if (!g.provider || !g.instanceType || (g.provider === 'gcp' && g.instanceType.startsWith('n1-') && !g.instanceType.includes('+'))) {
      return { cost_per_hour: null, savings: null };
    }
    const gpus = g.model ? [{ name: g.model, memory_total_mib: g.memoryTotalMib }] : [];
    const instance = { provider: g.provider, instance_type: g.instanceType, region: g.region, lifecycle: g.lifecycle, gpus };
    return { cost_per_hour: gpuCostPerHour(instance, catalog()), savings: null };
  };
  return { price, revision: (tenantId) => opts.cache?.revision(tenantId) ?? 0 };
}
