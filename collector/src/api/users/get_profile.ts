/** GET /api/user/profile: the caller's account. */
import type { ApiDeps } from '../deps.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { presentUser, userView } from '../schemas.js';

/** Registers GET /api/user/profile. */
export function registerGetProfile(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'get', path: '/api/user/profile', operationId: 'getProfile', summary: 'Get the user profile',
      tag: 'users', auth: 'user', response: userView,
    },
    (c) => ok(c, deps.clock, presentUser(principalOf(c).user), 'Profile'),
  );
}
