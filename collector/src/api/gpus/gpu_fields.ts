/** Validation of the fields a person sets on a GPU: provider, instance type, region, credentials. */
import { z } from 'zod';
import type { InstanceCatalog } from '../deps.js';
import { ApiError } from '../errors.js';
import { text } from '../schemas.js';

export const MANUAL_PROVIDERS = ['aws', 'gcp', 'azure'] as const;

/** Schemas of the settable fields. */
export const gpuFields = {
  name: text(100),
  provider: z.enum(MANUAL_PROVIDERS),
  instance_type: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,79}$/, 'must be a cloud instance type such as p3.2xlarge'),
  region: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be a cloud region such as us-east-1'),
  zone: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be a cloud zone such as us-east-1a'),
  access_key: z.string().min(1).max(512),
  secret_key: z.string().min(1).max(4096),
};

/** Refuses an instance type the catalog does not sell for the provider (when a catalog is given). */
export function checkInstanceType(catalog: InstanceCatalog | undefined, provider: string, instanceType: string): void {
  if (catalog && !catalog.hasInstanceType(provider, instanceType)) {
    throw new ApiError('INVALID_REQUEST', 'The request is invalid', `body.instance_type: ${instanceType} is not a ${provider} GPU instance type in the catalog`);
  }
}

/** Both keys or neither; null clears. */
export function credentialsOf(b: { access_key?: string | null; secret_key?: string | null }) {
  if (b.access_key === undefined && b.secret_key === undefined) return undefined;
  if (b.access_key === null && b.secret_key === null) return null;
  if (typeof b.access_key !== 'string' || typeof b.secret_key !== 'string') {
    throw new ApiError('INVALID_REQUEST', 'The request is invalid', 'body.access_key, body.secret_key: give both, or both null to clear');
  }
  return { accessKey: b.access_key, secretKey: b.secret_key };
}
