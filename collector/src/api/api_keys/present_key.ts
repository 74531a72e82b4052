/** The public view of an API key (never the key itself after creation). */
import { z } from 'zod';
import type { ApiKeyRecord } from '../../stores/app/types.js';

/** Schema of a key's view. */
export const keyView = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(['api', 'agent']),
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

/** Renders a key record. */
export function presentKey(k: ApiKeyRecord): z.infer<typeof keyView> {
  return {
    id: k.id, name: k.name, scope: k.scope, prefix: `gpo_${k.prefix}`, created_at: k.createdAt,
    last_used_at: k.lastUsedAt, revoked_at: k.revokedAt,
  };
}
