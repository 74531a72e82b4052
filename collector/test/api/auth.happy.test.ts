import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, makeHarness, mintTenant, PASSWORD, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

describe('accounts', () => {
  it('registers, returns token/expires_at/user in the envelope, and the token opens the profile', async () => {
    const res = await call(h, 'POST', '/api/auth/register', {
      body: { email: 'Alice@Example.COM', password: 'Tr0ub4dor&3x', name: 'Alice', company: 'Acme' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ success: true, message: expect.any(String), timestamp: '2026-01-15T10:30:00.000Z' });
    expect(res.body.data.user).toMatchObject({ email: 'alice@example.com', name: 'Alice', company: 'Acme', role: 'user', plan: 'free' });
    expect(res.body.data.user.id).toMatch(/^usr_/);
    expect(res.body.data.user).not.toHaveProperty('password_hash');
    expect(res.body.data.expires_at).toBe('2026-01-15T11:30:00.000Z');
    const profile = await call(h, 'GET', '/api/user/profile', { headers: { authorization: `Bearer ${res.body.data.token}` } });
    expect(profile.status).toBe(200);
    expect(profile.body.data.email).toBe('alice@example.com');
  });

  it('logs in with the email in any case and a token that works', async () => {
    const t = await mintTenant(h, { email: 'bob@example.com' });
    const res = await call(h, 'POST', '/api/auth/login', { body: { email: ' BOB@example.com ', password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.data.user.id).toBe(t.user.id);
    const profile = await call(h, 'GET', '/api/user/profile', { headers: { authorization: `Bearer ${res.body.data.token}` } });
    expect(profile.status).toBe(200);
  });

  it('changes the password: the old token dies, the new one and the new password work', async () => {
    const t = await mintTenant(h);
    const res = await call(h, 'POST', '/api/auth/password', {
      headers: t.auth, body: { current_password: PASSWORD, new_password: 'Another-pass-2' },
    });
    expect(res.status).toBe(200);
    expect((await call(h, 'GET', '/api/user/profile', { headers: t.auth })).status).toBe(401);
    const fresh = { authorization: `Bearer ${res.body.data.token}` };
    expect((await call(h, 'GET', '/api/user/profile', { headers: fresh })).status).toBe(200);
    const login = await call(h, 'POST', '/api/auth/login', { body: { email: t.user.email, password: 'Another-pass-2' } });
    expect(login.status).toBe(200);
    expect(h.store.audit.forTarget('user', t.user.id).map((e) => e.action)).toEqual(['user.password_change']);
  });

  it('updates the profile and clears a field with null', async () => {
    const t = await mintTenant(h);
    const res = await call(h, 'PUT', '/api/user/profile', { headers: t.auth, body: { name: 'John Smith', company: 'New Tech Corp', phone: '+1234567890' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'John Smith', company: 'New Tech Corp', phone: '+1234567890' });
    const cleared = await call(h, 'PUT', '/api/user/profile', { headers: t.auth, body: { company: null } });
    expect(cleared.body.data).toMatchObject({ name: 'John Smith', company: null, phone: '+1234567890' });
  });
});

describe('API keys', () => {
  it('shows the key once, lists without it, accepts it as Bearer and ?api_key=, and revokes it', async () => {
    const t = await mintTenant(h);
    const created = await call(h, 'POST', '/api/api-keys', { headers: t.auth, body: { name: 'ci' } });
    expect(created.status).toBe(201);
    const { key, id } = created.body.data as { key: string; id: string };
    expect(key).toMatch(/^gpo_[0-9a-f]{16}_/);
    expect(id).toMatch(/^key_/);
    const list = await call(h, 'GET', '/api/api-keys', { headers: t.auth });
    expect(list.body.data.api_keys).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.pagination).toEqual({ page: 1, per_page: 20, total: 1, pages: 1, has_next: false, has_prev: false });
    expect((await call(h, 'GET', '/api/gpus', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await call(h, 'GET', `/api/gpus?api_key=${key}`)).status).toBe(200);
    const revoked = await call(h, 'DELETE', `/api/api-keys/${id}`, { headers: t.auth });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.revoked_at).toBe('2026-01-15T10:30:00.000Z');
    expect((await call(h, 'GET', '/api/gpus', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
  });

  it('an agent key authenticates for ingest but is refused on REST with 403', async () => {
    const t = await mintTenant(h);
    const created = await call(h, 'POST', '/api/api-keys', { headers: t.auth, body: { name: 'agent', scope: 'agent' } });
    const key = created.body.data.key as string;
    expect(h.store.apiKeys.authenticateKey(key)).toMatchObject({ tenantId: t.user.id, scope: 'agent' });
    const res = await call(h, 'GET', '/api/gpus', { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});
