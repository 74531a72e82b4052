/** DELETE /api/api-keys/{id}: revoke a key at once (idempotent). */
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { idParam } from '../schemas.js';
import { keyView, presentKey } from './present_key.js';

const params = idParam('key');

/** Registers DELETE /api/api-keys/:id. */
export function registerRevokeKey(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'delete', path: '/api/api-keys/:id', operationId: 'revokeApiKey', summary: 'Revoke an API key',
      tag: 'api-keys', auth: 'user', params, response: keyView, errors: ['NOT_FOUND'],
    },
    (c, { params: p }) => {
      const { user } = principalOf(c);
      const key = deps.store.apiKeys.revoke(user.id, p.id);
      if (!key) throw new ApiError('NOT_FOUND', 'Not found', `no API key ${p.id}`);
      deps.logger.info({ user_id: user.id, key_id: key.id }, 'api key revoked');
      return ok(c, deps.clock, presentKey(key), 'API key revoked');
    },
  );
}
