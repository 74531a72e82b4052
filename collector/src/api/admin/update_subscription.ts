/** PUT /api/admin/subscriptions/{id}: change status, plan or discount (admin only, audited). */
import { z } from 'zod';
import { PLANS, SUBSCRIPTION_STATUSES } from '../../domain/accounts/plans.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import { idParam } from '../schemas.js';

const body = z
  .strictObject({
    status: z.enum(SUBSCRIPTION_STATUSES).optional(),
    plan: z.enum(PLANS).optional(),
    discount: z.number().min(0).max(100).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of status, plan, discount');

const response = z.object({
  id: z.string(), tenant_id: z.string(), plan: z.enum(PLANS), status: z.enum(SUBSCRIPTION_STATUSES),
  discount: z.number(), created_at: z.string(), updated_at: z.string(),
});

/** Registers PUT /api/admin/subscriptions/:id. */
export function registerUpdateSubscription(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'put', path: '/api/admin/subscriptions/:id', operationId: 'adminUpdateSubscription', summary: 'Manage a subscription',
      tag: 'admin', auth: 'admin', params: idParam('sub'), body, response, errors: ['NOT_FOUND'],
      example: { status: 'active', plan: 'enterprise', discount: 20 },
    },
    (c, { params: p, body: b }) => {
      const admin = principalOf(c).user;
      const sub = deps.store.subscriptions.update(p.id, { plan: b.plan, status: b.status, discountPct: b.discount }, admin.id);
      if (!sub) throw new ApiError('NOT_FOUND', 'Not found', `no subscription ${p.id}`);
      deps.logger.info({ admin_id: admin.id, subscription_id: sub.id, plan: sub.plan, status: sub.status }, 'subscription updated');
      const data = {
        id: sub.id, tenant_id: sub.tenantId, plan: sub.plan, status: sub.status, discount: sub.discountPct,
        created_at: sub.createdAt, updated_at: sub.updatedAt,
      };
      return ok(c, deps.clock, data, 'Subscription updated');
    },
  );
}
