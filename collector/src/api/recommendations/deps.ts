/**
 * What the recommendations area reads. It extends ApiDeps' RecommendationApiDeps (which already
 * carries `usage`, the metrics store's hourly rollups); every addition is optional, so the
 * composition root needs to wire only `usage` and gets the bundled catalog and default thresholds.
 */
import type { Catalog } from '@gpuoptimizer/shared';
import type { ProcessRun, Thresholds } from '../../domain/recommendations/index.js';
import type { RecommendationCache } from './cache.js';

/** Process runs (first and last sighting) of a tenant's GPUs inside a window, when a store keeps them. */
export type ProcessReader = (tenantId: string, gpuUuids: string[], start: Date, end: Date) => Promise<ProcessRun[]>;

declare module '../deps.js' {
  interface RecommendationApiDeps {
    /** The catalog to price from; a function so an imported catalog takes effect without a restart. Default: the bundled one. */
    catalog?: () => Catalog;
    /** Overrides of the rule thresholds (documented defaults otherwise). */
    thresholds?: Partial<Thresholds>;
    /** Process start/stop history; without it spot advice relies on bursts alone. */
    processes?: ProcessReader;
    /** Where evaluations are remembered for `GET /api/gpus` (cost_per_hour, savings). */
    cache?: RecommendationCache;
  }
}
