/** PUT /api/user/profile: change name, company, phone (null clears company or phone). */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { phone, presentUser, text, userView } from '../schemas.js';

const body = z
  .strictObject({ name: text(100).optional(), company: text(200).nullable().optional(), phone: phone.nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, company, phone');

/** Registers PUT /api/user/profile. */
export function registerUpdateProfile(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'put', path: '/api/user/profile', operationId: 'updateProfile', summary: 'Update the user profile',
      tag: 'users', auth: 'user', body, response: userView,
      example: { name: 'John Smith', company: 'New Tech Corp', phone: '+1234567890' },
    },
    (c, { body: b }) => {
      const { user } = principalOf(c);
      const updated = deps.store.users.updateProfile(user.id, b);
      if (!updated) throw new ApiError('NOT_FOUND', 'Not found', 'user');
      return ok(c, deps.clock, presentUser(updated), 'Profile updated');
    },
  );
}
