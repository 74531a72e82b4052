import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, errorCode, makeHarness, mintTenant, PASSWORD, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

describe('register', () => {
  it('refuses a duplicate email whatever its case with 409 CONFLICT', async () => {
    await mintTenant(h, { email: 'alice@example.com' });
    const res = await call(h, 'POST', '/api/auth/register', { body: { email: 'ALICE@example.com', password: 'Tr0ub4dor&3x', name: 'A' } });
    expect(res.status).toBe(409);
    expect(errorCode(res)).toBe('CONFLICT');
  });

  it('names the field and the rule: weak password, bad email, missing name, unknown field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'a@example.com', password: 'short', name: 'A' }, 'body.password'],
      [{ email: 'a@example.com', password: 'alllowercaseletters', name: 'A' }, 'body.password'],
      [{ email: 'not-an-email', password: 'Tr0ub4dor&3x', name: 'A' }, 'body.email'],
      [{ email: 'a@example.com', password: 'Tr0ub4dor&3x' }, 'body.name'],
      [{ email: 'a@example.com', password: 'Tr0ub4dor&3x', name: 'A', role: 'admin' }, 'role'],
      [{ email: 'a@example.com', password: 'Tr0ub4dor&3x', name: 'A', phone: 'call me' }, 'body.phone'],
    ];
    for (const [body, field] of cases) {
      const res = await call(h, 'POST', '/api/auth/register', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('INVALID_REQUEST');
      expect(res.body.error.details).toContain(field);
    }
  });
});

describe('login', () => {
  it('gives one generic answer for an unknown email and a wrong password', async () => {
    const t = await mintTenant(h);
    const unknown = await call(h, 'POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: PASSWORD } });
    const wrong = await call(h, 'POST', '/api/auth/login', { body: { email: t.user.email, password: 'Wrong-password-9' } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect(unknown.body.error.details).toEqual(wrong.body.error.details);
  });

  it('locks an email+address after 5 failures with 429 and Retry-After, even for the right password, then lets it try again', async () => {
    const t = await mintTenant(h);
    for (let i = 0; i < 5; i++) {
      expect((await call(h, 'POST', '/api/auth/login', { body: { email: t.user.email, password: 'Wrong-password-9' } })).status).toBe(401);
    }
    const locked = await call(h, 'POST', '/api/auth/login', { body: { email: t.user.email, password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBe(900);
    h.clock.advance(15 * 60_000 + 1000);
    expect((await call(h, 'POST', '/api/auth/login', { body: { email: t.user.email, password: PASSWORD } })).status).toBe(200);
  });

  it('refuses an inactive account its token and its login', async () => {
    const t = await mintTenant(h);
    h.store.users.setStatus(t.user.id, 'inactive');
    const profile = await call(h, 'GET', '/api/user/profile', { headers: t.auth });
    expect(profile.status).toBe(403);
    expect(errorCode(profile)).toBe('FORBIDDEN');
    const login = await call(h, 'POST', '/api/auth/login', { body: { email: t.user.email, password: PASSWORD } });
    expect(login.status).toBe(403);
  });
});

describe('password change', () => {
  it('refuses a wrong current password (400) and a weak new one (400), keeping the token alive', async () => {
    const t = await mintTenant(h);
    const wrong = await call(h, 'POST', '/api/auth/password', { headers: t.auth, body: { current_password: 'nope-Nope-1', new_password: 'Another-pass-2' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toContain('current_password');
    const weak = await call(h, 'POST', '/api/auth/password', { headers: t.auth, body: { current_password: PASSWORD, new_password: 'weak' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details).toContain('new_password');
    expect((await call(h, 'GET', '/api/user/profile', { headers: t.auth })).status).toBe(200);
  });
});

describe('profile', () => {
  it('refuses a blank name, an invalid phone, control characters and an empty body', async () => {
    const t = await mintTenant(h);
    for (const body of [{ name: '   ' }, { phone: 'abc' }, { company: 'a\u0000b' }, {}]) {
      const res = await call(h, 'PUT', '/api/user/profile', { headers: t.auth, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('INVALID_REQUEST');
    }
  });
});
