/** GET /api/api-keys: the tenant's keys, revoked ones included, without the keys themselves. */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { paging } from '../schemas.js';
import { keyView, presentKey } from './present_key.js';

// Not strict: `api_key` and cache-busters may ride along in the query string.
const query = z.object({ ...paging });

/** Registers GET /api/api-keys. */
export function registerListKeys(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'get', path: '/api/api-keys', operationId: 'listApiKeys', summary: 'List API keys', tag: 'api-keys',
      auth: 'user', query, paginated: true,
      response: z.object({ api_keys: z.array(keyView), total: z.number(), page: z.number(), per_page: z.number() }),
    },
    (c, { query: q }) => {
      const { user } = principalOf(c);
      const { rows, total } = deps.store.apiKeys.list(user.id, { page: q.page, perPage: q.per_page });
      const data = { api_keys: rows.map(presentKey), total, page: q.page, per_page: q.per_page };
      return ok(c, deps.clock, data, 'API keys', { page: { page: q.page, perPage: q.per_page, total } });
    },
  );
}
