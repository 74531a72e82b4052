/**
 * GET /api/stats — system statistics in API-SPEC's shape, from real data.
 * uptime = share of expected GPU-hours over the last 30 days that hold at least one sample,
 * where a GPU is expected from its first hour in the window to now (see README).
 */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import type { ApiRouter } from '../route_table.js';

const DAY_MS = 86_400_000;
// A GPU counts as active when it reported within the last hour.
const ACTIVE_WINDOW_MS = 3_600_000;

const response = z.object({
  total_customers: z.number(), total_revenue: z.number(), monthly_revenue: z.number(),
  active_gpus: z.number(), cost_savings: z.number(), uptime: z.string(),
});

/** Formats a share as API-SPEC's percentage string ("99.9%"); no data yet is "100%". */
export function formatUptime(withData: number, expected: number): string {
  if (expected <= 0) return '100%';
  const pct = Math.min(100, (withData / expected) * 100);
  return `${Math.floor(pct * 10) / 10}%`;
}

/** Registers GET /api/stats. */
export function registerGetStats(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    { method: 'get', path: '/api/stats', operationId: 'getStats', summary: 'System statistics', tag: 'Health', auth: 'public', response },
    async (c) => {
      const metrics = deps.metrics;
      if (!metrics) throw new ApiError('UNAVAILABLE', 'Statistics are not available', 'the metrics store is not configured');
      const now = deps.clock.now();
      const [activeGpus, coverage, savings] = await Promise.all([
        metrics.activeGpus(new Date(now.getTime() - ACTIVE_WINDOW_MS)),
        metrics.coverage(new Date(now.getTime() - 30 * DAY_MS), now),
        metrics.savings ? metrics.savings() : Promise.resolve(0),
      ]);
      const revenue = metrics.revenue ? metrics.revenue(now) : { total: 0, monthly: 0 };
      return ok(c, deps.clock, {
        total_customers: metrics.customers(),
        total_revenue: revenue.total,
        monthly_revenue: revenue.monthly,
        active_gpus: activeGpus,
        cost_savings: Math.round(savings * 100) / 100,
        uptime: formatUptime(coverage.hours_with_data, coverage.hours_expected),
      }, 'System statistics');
    },
  );
}
