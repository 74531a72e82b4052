/** GET /api/admin/users: every account, filtered by status, paginated (admin only). */
import { z } from 'zod';
import { USER_STATUSES } from '../../domain/accounts/plans.js';
import type { ApiDeps } from '../deps.js';
import { ok } from '../respond.js';
import type { ApiRouter } from '../route_table.js';
import { paging, presentUser, userView } from '../schemas.js';

// Not strict: `api_key` and cache-busters may ride along in the query string.
const query = z.object({ page: paging.page, per_page: paging.per_page.default(50), status: z.enum(USER_STATUSES).optional() });
const adminUserView = userView.extend({ subscription_id: z.string().nullable() });
const response = z.object({ users: z.array(adminUserView), total: z.number(), page: z.number(), per_page: z.number() });

/** Registers GET /api/admin/users. */
export function registerListUsers(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    { method: 'get', path: '/api/admin/users', operationId: 'adminListUsers', summary: 'List all users', tag: 'admin', auth: 'admin', query, response, paginated: true },
    (c, { query: q }) => {
      const { rows, total } = deps.store.users.list({ page: q.page, perPage: q.per_page, status: q.status });
      const users = rows.map((u) => ({ ...presentUser(u), subscription_id: u.subscriptionId }));
      return ok(c, deps.clock, { users, total, page: q.page, per_page: q.per_page }, 'Users', {
        page: { page: q.page, perPage: q.per_page, total },
      });
    },
  );
}
