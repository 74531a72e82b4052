/** Account vocabulary: roles, statuses, plans and what each plan allows. Pure data, no I/O. */

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const USER_STATUSES = ['active', 'inactive', 'trial'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const PLANS = ['free', 'professional', 'enterprise', 'custom'] as const;
export type Plan = (typeof PLANS)[number];

export const SUBSCRIPTION_STATUSES = ['active', 'trial', 'past_due', 'canceled', 'inactive'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Requests per hour each plan may make (API-SPEC "Rate Limiting"); null means unlimited. */
export const REQUESTS_PER_HOUR: Record<Plan, number | null> = {
  free: 100,
  professional: 1_000,
  enterprise: 10_000,
  custom: null,
};

/** The hourly request allowance of a plan; null means unlimited. */
export function requestsPerHour(plan: Plan): number | null {
  return REQUESTS_PER_HOUR[plan];
}

/** Whether a user in this status may use the API at all. */
export function canUseApi(status: UserStatus): boolean {
  return status !== 'inactive';
}
