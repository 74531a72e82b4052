/** The users area: the caller's profile. */
import type { ApiDeps } from '../deps.js';
import type { ApiRouter } from '../route_table.js';
import { registerGetProfile } from './get_profile.js';
import { registerUpdateProfile } from './update_profile.js';

/** Registers every user-profile route. */
export function registerUserRoutes(router: ApiRouter, deps: ApiDeps): void {
  registerGetProfile(router, deps);
  registerUpdateProfile(router, deps);
}
