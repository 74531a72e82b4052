/** POST /api/auth/password: change the password; every earlier token stops working. */
import { z } from 'zod';
import { passwordProblem, hashPassword, verifyPassword } from '../../domain/auth/password.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { password, presentUser, sessionView } from '../schemas.js';
import type { ApiServices } from '../services.js';

const body = z.strictObject({ current_password: password, new_password: password });

/** Registers POST /api/auth/password. */
export function registerChangePassword(router: ApiRouter, deps: ApiDeps, svc: ApiServices): void {
  router.add(
    {
      method: 'post', path: '/api/auth/password', operationId: 'changePassword', summary: 'Change the password',
      tag: 'auth', auth: 'user', body, response: sessionView, errors: ['RATE_LIMITED'],
      example: { current_password: 'secure_password1', new_password: 'another_password2' },
    },
    async (c, { body: b }) => {
      const { user } = principalOf(c);
      const key = `password|${user.id}`;
      if (svc.throttle.lockedUntil(key) !== null) throw new ApiError('RATE_LIMITED', 'Too many failed attempts');
      if (!(await verifyPassword(b.current_password, user.passwordHash))) {
        svc.throttle.recordFailure(key);
        throw new ApiError('INVALID_REQUEST', 'The request is invalid', 'body.current_password: incorrect');
      }
      svc.throttle.recordSuccess(key);
      const problem = passwordProblem(b.new_password, user.email);
      if (problem) throw new ApiError('INVALID_REQUEST', 'The request is invalid', `body.new_password: ${problem}`);
      const updated = deps.store.users.setPassword(user.id, await hashPassword(b.new_password));
      if (!updated) throw new ApiError('NOT_FOUND', 'Not found', 'user');
      deps.store.audit.record({ actorId: user.id, action: 'user.password_change', targetType: 'user', targetId: user.id, detail: {} });
      const session = await svc.tokens.issue(updated.id, updated.tokenVersion);
      const data = { token: session.token, expires_at: session.expiresAt.toISOString(), user: presentUser(updated) };
      return ok(c, deps.clock, data, 'Password changed; earlier tokens are revoked');
    },
  );
}
