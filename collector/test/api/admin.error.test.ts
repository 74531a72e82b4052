import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, errorCode, makeHarness, mintTenant, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

describe('admin errors', () => {
  it('validates subscription changes: status, plan, discount range, empty body; unknown id is 404', async () => {
    const admin = await mintTenant(h, { role: 'admin' });
    const u = await mintTenant(h);
    const subId = h.store.subscriptions.byTenant(u.user.id)?.id ?? '';
    for (const body of [{ status: 'paused' }, { plan: 'gold' }, { discount: 120 }, { discount: -1 }, { discount: '20' }, {}]) {
      const res = await call(h, 'PUT', `/api/admin/subscriptions/${subId}`, { headers: admin.auth, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('INVALID_REQUEST');
    }
    const missing = await call(h, 'PUT', '/api/admin/subscriptions/sub_nothing', { headers: admin.auth, body: { plan: 'free' } });
    expect(missing.status).toBe(404);
    expect(h.store.audit.forTarget('subscription', subId)).toHaveLength(0);
  });

  it('refuses an unknown status filter', async () => {
    const admin = await mintTenant(h, { role: 'admin' });
    expect((await call(h, 'GET', '/api/admin/users?status=banned', { headers: admin.auth })).status).toBe(400);
  });
});
