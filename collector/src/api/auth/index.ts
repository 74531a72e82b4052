/** The auth area: register, login, password change. */
import type { ApiDeps } from '../deps.js';
import type { ApiRouter } from '../route_table.js';
import type { ApiServices } from '../services.js';
import { registerChangePassword } from './change_password.js';
import { registerLogin } from './login.js';
import { registerRegister } from './register.js';

/** Registers every auth route. */
export function registerAuthRoutes(router: ApiRouter, deps: ApiDeps, svc: ApiServices): void {
  registerRegister(router, deps, svc);
  registerLogin(router, deps, svc);
  registerChangePassword(router, deps, svc);
}
