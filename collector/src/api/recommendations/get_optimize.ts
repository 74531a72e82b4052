/** GET /api/gpus/{id}/optimize — the recommendations for the instance a GPU lives on. */
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { idParam } from '../schemas.js';
import { evaluateInstance, listAllGpus, thresholdsFor, type RecommendationDeps } from './evaluate.js';
import { optimizeView } from './schemas.js';

const params = idParam('gpu');
// Not strict: `api_key` may ride along in the query string.
const query = z.object({ lookback_days: z.coerce.number().int().min(1).max(93).optional() });

/** Registers GET /api/gpus/:id/optimize; `deps` is null when the area is not wired (503). */
export function registerGetOptimize(router: ApiRouter, deps: () => RecommendationDeps | null): void {
  router.add(
    {
      method: 'get', path: '/api/gpus/:id/optimize', operationId: 'getGpuOptimization', summary: 'Get optimization recommendations', tag: 'gpus',
      auth: 'user', params, query, response: optimizeView, errors: ['NOT_FOUND', 'UNAVAILABLE'],
    },
    async (c, input) => {
      const tenantId = principalOf(c).user.id;
      const d = deps();
      if (!d) throw new ApiError('UNAVAILABLE', 'Recommendations are not available', 'the usage store is not configured');
      const gpu = d.gpus.byId(tenantId, input.params.id);
      if (!gpu) throw new ApiError('NOT_FOUND', 'Not found', `no GPU ${input.params.id}`);
      const t = thresholdsFor(d, input.query.lookback_days);
      const group = gpu.hostId ? listAllGpus(d.gpus, tenantId).filter((g) => g.hostId === gpu.hostId) : [gpu];
      const { gpu_ids, result } = await evaluateInstance(d, tenantId, group.length > 0 ? group : [gpu], t);
      return ok(c, d.clock, { gpu_id: gpu.id, gpu_ids, ...result }, result.message);
    },
  );
}
