/** GET /api/recommendations — the tenant's recommendations across the fleet, largest savings first. */
import { z } from 'zod';
import { fleetSavings, rankFleet } from '../../domain/recommendations/index.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { paging } from '../schemas.js';
import { evaluateTenant, thresholdsFor, type RecommendationDeps } from './evaluate.js';
import { fleetView } from './schemas.js';

// Not strict: `api_key` may ride along in the query string.
const query = z.object({
  ...paging,
  type: z.enum(['instance_type', 'spot', 'idle', 'scheduling']).optional(),
  min_confidence: z.coerce.number().min(0).max(1).optional(),
  lookback_days: z.coerce.number().int().min(1).max(93).optional(),
});

/** Registers GET /api/recommendations; `deps` is null when the area is not wired (503). */
export function registerListRecommendations(router: ApiRouter, deps: () => RecommendationDeps | null): void {
  router.add(
    {
      method: 'get', path: '/api/recommendations', operationId: 'listRecommendations', summary: "List the fleet's recommendations by savings",
      tag: 'recommendations', auth: 'user', query, response: fleetView, paginated: true, errors: ['UNAVAILABLE'],
    },
    async (c, { query: q }) => {
      const tenantId = principalOf(c).user.id;
      const d = deps();
      if (!d) throw new ApiError('UNAVAILABLE', 'Recommendations are not available', 'the usage store is not configured');
      const results = await evaluateTenant(d, tenantId, thresholdsFor(d, q.lookback_days));
      const ranked = rankFleet(results).filter((r) => (q.type === undefined || r.type === q.type) && r.confidence >= (q.min_confidence ?? 0));
      const from = (q.page - 1) * q.per_page;
      const data = {
        recommendations: ranked.slice(from, from + q.per_page),
        total: ranked.length,
        page: q.page,
        per_page: q.per_page,
        total_potential_savings: fleetSavings(results),
        instances_evaluated: results.length,
        instances_without_enough_data: results.filter((r) => r.result.status === 'insufficient_data').length,
        catalog: { ...d.catalog().identity },
      };
      const message = `${ranked.length} recommendation${ranked.length === 1 ? '' : 's'} across ${results.length} instance${results.length === 1 ? '' : 's'}`;
      return ok(c, d.clock, data, message, { page: { page: q.page, perPage: q.per_page, total: ranked.length } });
    },
  );
}
