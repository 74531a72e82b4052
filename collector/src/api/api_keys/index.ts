/** The API keys area. */
import type { ApiDeps } from '../deps.js';
import type { ApiRouter } from '../route_table.js';
import { registerCreateKey } from './create_key.js';
import { registerListKeys } from './list_keys.js';
import { registerRevokeKey } from './revoke_key.js';

/** Registers every API-key route. */
export function registerApiKeyRoutes(router: ApiRouter, deps: ApiDeps): void {
  registerCreateKey(router, deps);
  registerListKeys(router, deps);
  registerRevokeKey(router, deps);
}
