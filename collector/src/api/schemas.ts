/** zod building blocks shared by the routes: text fields, ids, paging, and the user view. */
import { z } from 'zod';
import { PLANS, ROLES, USER_STATUSES } from '../domain/accounts/plans.js';
import { hasControlCharacters, isValidPhone } from '../domain/accounts/profile.js';
import { PASSWORD_MAX_LENGTH } from '../domain/auth/password.js';
import type { UserRecord } from '../stores/app/types.js';

/** Free text a person types: kept verbatim, but not blank and without control characters. */
export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .refine((s) => !hasControlCharacters(s), 'must not contain control characters');
}

/** An email address; surrounding spaces are dropped (the handler also lower-cases it). */
export const email = z.string().trim().pipe(z.email().max(254));

/** A password as typed; the policy is checked by the handler so the message names the rule. */
export const password = z.string().min(1).max(PASSWORD_MAX_LENGTH);

/** A phone number: digits with optional +, spaces, dashes, dots, parentheses. */
export const phone = z.string().max(24).refine(isValidPhone, 'must be a phone number such as +1234567890');

/** An id path parameter (`gpu_…`, `key_…`, …); an id of the wrong shape is simply not found (404). */
export function idParam(prefix: string) {
  return z.strictObject({ id: z.string().min(1).max(128).describe(`a ${prefix}_ id`) });
}

/** `page` and `per_page` (≤ 100) query parameters. */
export const paging = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
};

/** The public view of a user. */
export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  company: z.string().nullable(),
  phone: z.string().nullable(),
  role: z.enum(ROLES),
  status: z.enum(USER_STATUSES),
  plan: z.enum(PLANS),
  created_at: z.string(),
});

/** Renders a user without their secrets. */
export function presentUser(u: UserRecord): z.infer<typeof userView> {
  return {
    id: u.id, email: u.email, name: u.name, company: u.company, phone: u.phone, role: u.role, status: u.status,
    plan: u.plan, created_at: u.createdAt,
  };
}

/** `data` of register and login. */
export const sessionView = z.object({ token: z.string(), expires_at: z.string(), user: userView });
