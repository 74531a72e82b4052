/** The metrics area: GPU series and system statistics. */
import type { ApiDeps } from '../deps.js';
import type { ApiRouter } from '../route_table.js';
import { registerGetMetrics } from './get_metrics.js';
import { registerGetStats } from './get_stats.js';
import './deps.js';

/** Registers every route of the metrics area. */
export function registerMetricsRoutes(router: ApiRouter, deps: ApiDeps): void {
  registerGetMetrics(router, deps);
  registerGetStats(router, deps);
}
