/**
 * POST /api/gpus: add an instance that has no agent. Cloud credentials are encrypted at rest by
 * the store; they are never returned and never logged.
 */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { checkInstanceType, credentialsOf, gpuFields } from './gpu_fields.js';
import { gpuDetailView, presentGpuDetail } from './present_gpu.js';

const body = z.strictObject({
  name: gpuFields.name,
  provider: gpuFields.provider,
  instance_type: gpuFields.instance_type,
  region: gpuFields.region.optional(),
  zone: gpuFields.zone.optional(),
  access_key: gpuFields.access_key.optional(),
  secret_key: gpuFields.secret_key.optional(),
});

/** Registers POST /api/gpus. */
export function registerCreateGpu(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'post', path: '/api/gpus', operationId: 'createGpu', summary: 'Add a GPU instance', tag: 'gpus', auth: 'user',
      body, response: gpuDetailView, successStatus: 201,
      example: { name: 'Training GPU 2', provider: 'aws', instance_type: 'p3.8xlarge', region: 'us-east-1', access_key: 'AKIA...', secret_key: '...' },
    },
    (c, { body: b }) => {
      const { user } = principalOf(c);
      checkInstanceType(deps.catalog, b.provider, b.instance_type);
      const gpu = deps.store.gpus.createManual(user.id, {
        name: b.name, provider: b.provider, instanceType: b.instance_type, region: b.region ?? null,
        zone: b.zone ?? null, credentials: credentialsOf(b) ?? null,
      });
      deps.logger.info({ user_id: user.id, gpu_id: gpu.id, provider: gpu.provider }, 'gpu added');
      return ok(c, deps.clock, presentGpuDetail(gpu, null, deps.clock.now(), deps.pricing), 'GPU added', { status: 201 });
    },
  );
}
