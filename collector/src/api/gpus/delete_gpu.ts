/** DELETE /api/gpus/{id}: remove a GPU (it returns if its agent reports it again). */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { idParam } from '../schemas.js';

/** Registers DELETE /api/gpus/:id. */
export function registerDeleteGpu(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'delete', path: '/api/gpus/:id', operationId: 'deleteGpu', summary: 'Delete a GPU', tag: 'gpus', auth: 'user',
      params: idParam('gpu'), response: z.object({ id: z.string(), deleted: z.boolean() }), errors: ['NOT_FOUND'],
    },
    (c, { params: p }) => {
      const { user } = principalOf(c);
      if (!deps.store.gpus.remove(user.id, p.id)) throw new ApiError('NOT_FOUND', 'Not found', `no GPU ${p.id}`);
      deps.logger.info({ user_id: user.id, gpu_id: p.id }, 'gpu deleted');
      return ok(c, deps.clock, { id: p.id, deleted: true }, 'GPU deleted');
    },
  );
}
