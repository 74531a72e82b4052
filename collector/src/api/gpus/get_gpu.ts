/** GET /api/gpus/{id}: inventory, host, cloud, latest reading, processes and status. */
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { idParam } from '../schemas.js';
import { gpuDetailView, presentGpuDetail } from './present_gpu.js';

const params = idParam('gpu');

/** Registers GET /api/gpus/:id. */
export function registerGetGpu(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'get', path: '/api/gpus/:id', operationId: 'getGpu', summary: 'Get GPU details', tag: 'gpus', auth: 'user',
      params, response: gpuDetailView, errors: ['NOT_FOUND'],
    },
    (c, { params: p }) => {
      const { user } = principalOf(c);
      const gpu = deps.store.gpus.byId(user.id, p.id);
      if (!gpu) throw new ApiError('NOT_FOUND', 'Not found', `no GPU ${p.id}`);
      const host = gpu.hostId ? deps.store.gpus.host(user.id, gpu.hostId) : null;
      return ok(c, deps.clock, presentGpuDetail(gpu, host, deps.clock.now(), deps.pricing), 'GPU');
    },
  );
}
