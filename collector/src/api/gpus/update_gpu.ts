/**
 * PATCH /api/gpus/{id}: rename any GPU; a GPU added by hand may also change provider, instance
 * type, region, zone and credentials (an agent's GPU takes those from its reports).
 */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { idParam } from '../schemas.js';
import { checkInstanceType, credentialsOf, gpuFields } from './gpu_fields.js';
import { gpuDetailView, presentGpuDetail } from './present_gpu.js';

const body = z
  .strictObject({
    name: gpuFields.name.optional(),
    provider: gpuFields.provider.optional(),
    instance_type: gpuFields.instance_type.optional(),
    region: gpuFields.region.nullable().optional(),
    zone: gpuFields.zone.nullable().optional(),
    access_key: gpuFields.access_key.nullable().optional(),
    secret_key: gpuFields.secret_key.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field');

/** Registers PATCH /api/gpus/:id. */
export function registerUpdateGpu(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'patch', path: '/api/gpus/:id', operationId: 'updateGpu', summary: 'Update a GPU', tag: 'gpus', auth: 'user',
      params: idParam('gpu'), body, response: gpuDetailView, errors: ['NOT_FOUND'], example: { name: 'Training GPU 1 (renamed)' },
    },
    (c, { params: p, body: b }) => {
      const { user } = principalOf(c);
      const gpu = deps.store.gpus.byId(user.id, p.id);
      if (!gpu) throw new ApiError('NOT_FOUND', 'Not found', `no GPU ${p.id}`);
      const { name, ...cloudFields } = b;
      if (gpu.source === 'agent' && Object.keys(cloudFields).length > 0) {
        throw new ApiError('INVALID_REQUEST', 'The request is invalid', 'body: only name can change on a GPU its agent reports');
      }
      if (b.provider !== undefined || b.instance_type !== undefined) {
        checkInstanceType(deps.catalog, b.provider ?? gpu.provider ?? '', b.instance_type ?? gpu.instanceType ?? '');
      }
      const updated = deps.store.gpus.update(user.id, p.id, {
        name, provider: b.provider, instanceType: b.instance_type, region: b.region, zone: b.zone, credentials: credentialsOf(b),
      });
      if (!updated) throw new ApiError('NOT_FOUND', 'Not found', `no GPU ${p.id}`);
      const host = updated.hostId ? deps.store.gpus.host(user.id, updated.hostId) : null;
      return ok(c, deps.clock, presentGpuDetail(updated, host, deps.clock.now(), deps.pricing), 'GPU updated');
    },
  );
}
