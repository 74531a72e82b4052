/**
 * POST /api/auth/login. Unknown email and wrong password give the same answer in about the same
 * time (a decoy hash is verified); repeated failures per email+address lock further tries (429).
 */
import { z } from 'zod';
import { normaliseEmail } from '../../domain/accounts/profile.js';
import { verifyPassword } from '../../domain/auth/password.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { clientIp } from '../steps/client_ip.js';
import { ok } from '../respond.js';
import type { ApiRouter } from '../route_table.js';
import { email, password, presentUser, sessionView } from '../schemas.js';
import type { ApiServices } from '../services.js';

const body = z.strictObject({ email, password });

/** Registers POST /api/auth/login. */
export function registerLogin(router: ApiRouter, deps: ApiDeps, svc: ApiServices): void {
  router.add(
    {
      method: 'post', path: '/api/auth/login', operationId: 'login', summary: 'Log in', tag: 'auth', auth: 'public',
      body, response: sessionView, errors: ['UNAUTHORIZED', 'RATE_LIMITED', 'FORBIDDEN'],
      example: { email: 'user@example.com', password: 'secure_password1' },
    },
    async (c, { body: b }) => {
      const mail = normaliseEmail(b.email);
      const key = `${mail}|${clientIp(c, deps.config.trustProxy ?? false)}`;
      const locked = svc.throttle.lockedUntil(key);
      if (locked !== null) {
        const retryS = Math.max(1, Math.ceil((locked - deps.clock.now().getTime()) / 1000));
        throw new ApiError('RATE_LIMITED', 'Too many failed logins', `retry in ${retryS} s`, { 'Retry-After': String(retryS) });
      }
      const user = deps.store.users.byEmail(mail);
      const valid = await verifyPassword(b.password, user?.passwordHash ?? (await svc.decoyHash()));
      if (!user || !valid) {
        svc.throttle.recordFailure(key);
        throw new ApiError('UNAUTHORIZED', 'Invalid email or password');
      }
      svc.throttle.recordSuccess(key);
      if (user.status === 'inactive') throw new ApiError('FORBIDDEN', 'Forbidden', 'the account is inactive');
      const session = await svc.tokens.issue(user.id, user.tokenVersion);
      const data = { token: session.token, expires_at: session.expiresAt.toISOString(), user: presentUser(user) };
      return ok(c, deps.clock, data, 'Logged in');
    },
  );
}
