/** POST /api/api-keys: mint a key; the raw key is in this response only. */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { text } from '../schemas.js';
import { keyView, presentKey } from './present_key.js';

const body = z.strictObject({ name: text(100), scope: z.enum(['api', 'agent']).default('api') });

/** Registers POST /api/api-keys. */
export function registerCreateKey(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'post', path: '/api/api-keys', operationId: 'createApiKey', summary: 'Create an API key', tag: 'api-keys',
      auth: 'user', body, response: keyView.extend({ key: z.string() }), successStatus: 201,
      example: { name: 'CI pipeline', scope: 'api' },
    },
    (c, { body: b }) => {
      const { user } = principalOf(c);
      const { record, raw } = deps.store.apiKeys.create(user.id, b.name, b.scope);
      deps.logger.info({ user_id: user.id, key_id: record.id, scope: record.scope }, 'api key created');
      return ok(c, deps.clock, { ...presentKey(record), key: raw }, 'API key created; it is shown only once', { status: 201 });
    },
  );
}
