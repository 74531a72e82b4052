/** The admin area (role admin). */
import type { ApiDeps } from '../deps.js';
import type { ApiRouter } from '../route_table.js';
import type { ApiServices } from '../services.js';
import { registerGetMetrics } from './get_metrics.js';
import { registerListUsers } from './list_users.js';
import { registerUpdateSubscription } from './update_subscription.js';

/** Registers every admin route. */
export function registerAdminRoutes(router: ApiRouter, deps: ApiDeps, svc: ApiServices): void {
  registerListUsers(router, deps);
  registerGetMetrics(router, deps, svc);
  registerUpdateSubscription(router, deps);
}
