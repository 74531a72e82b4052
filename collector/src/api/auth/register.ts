/** POST /api/auth/register: create an account and sign in. */
import { z } from 'zod';
import { normaliseEmail } from '../../domain/accounts/profile.js';
import { hashPassword, passwordProblem } from '../../domain/auth/password.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import type { ApiRouter } from '../route_table.js';
import { email, password, phone, presentUser, sessionView, text } from '../schemas.js';
import type { ApiServices } from '../services.js';

const body = z.strictObject({
  email,
  password,
  name: text(100),
  company: text(200).optional(),
  phone: phone.optional(),
});

/** Registers POST /api/auth/register. */
export function registerRegister(router: ApiRouter, deps: ApiDeps, svc: ApiServices): void {
  router.add(
    {
      method: 'post', path: '/api/auth/register', operationId: 'register', summary: 'Register a user', tag: 'auth',
      auth: 'public', body, response: sessionView, successStatus: 201, errors: ['CONFLICT'],
      example: { email: 'user@example.com', password: 'secure_password1', name: 'John Doe', company: 'Tech Corp' },
    },
    async (c, { body: b }) => {
      const mail = normaliseEmail(b.email);
      const problem = passwordProblem(b.password, mail);
      if (problem) throw new ApiError('INVALID_REQUEST', 'The request is invalid', `body.password: ${problem}`);
      if (deps.store.users.byEmail(mail)) throw new ApiError('CONFLICT', 'Email already registered', 'body.email: taken');
      const user = deps.store.users.create({
        email: mail, name: b.name, company: b.company ?? null, phone: b.phone ?? null,
        passwordHash: await hashPassword(b.password),
      });
      if (!user) throw new ApiError('CONFLICT', 'Email already registered', 'body.email: taken');
      const session = await svc.tokens.issue(user.id, user.tokenVersion);
      deps.logger.info({ user_id: user.id }, 'user registered');
      const data = { token: session.token, expires_at: session.expiresAt.toISOString(), user: presentUser(user) };
      return ok(c, deps.clock, data, 'Registered', { status: 201 });
    },
  );
}
