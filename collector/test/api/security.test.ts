/**
 * The security suite, over every route in the route table: no credentials → 401; forged, expired,
 * alg-none, wrong-key JWTs → 401; agent keys → 403; users on admin routes → 403; another
 * tenant's ids → 404; malformed JSON → 400; oversized bodies → 413; injection strings stored and
 * returned verbatim or refused with 400. Every answer is checked: never a 500, every error enveloped.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../src/api/route_table.js';
import { createTokenService } from '../../src/domain/auth/tokens.js';
import { call, errorCode, gpuSample, JWT_SECRET, makeHarness, mintTenant, report, type Harness, type Res, type Tenant } from './harness.js';

const INJECTIONS = ["' OR 1=1 --", '<script>alert(1)</script>', '${7*7} {{7*7}} #{7*7}', "Robert'); DROP TABLE users;--", 'Zoë 🚀 日本語 \u202eRTL ١٢٣'];

let h: Harness;
let routes: RouteSpec[];
beforeAll(() => {
  h = makeHarness({ deps: { catalog: { hasInstanceType: () => true } } });
  routes = [...h.routes];
});
afterAll(() => h.close());

/** Sends and checks the two invariants every answer keeps. */
async function send(method: string, path: string, opts: Parameters<typeof call>[3] = {}): Promise<Res> {
  // Fetch upper-cases only the standard methods; PATCH must be sent as clients send it.
  const res = await call(h, method.toUpperCase(), path, opts);
  expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) errorCode(res);
  return res;
}

/** Ids that the tenant owns, by the kind of resource a path names. */
async function ownedIds(t: Tenant) {
  report(h, t.user.id, [gpuSample(`GPU-${randomBytes(4).toString('hex')}`)]);
  const gpu = h.store.gpus.list(t.user.id, { page: 1, perPage: 1, onlineSince: '', idleBelowPct: 5 }).rows[0]?.id ?? '';
  const key = h.store.apiKeys.create(t.user.id, 'k', 'api').record.id;
  const sub = h.store.subscriptions.byTenant(t.user.id)?.id ?? '';
  return { gpu, key, sub };
}

function pathFor(spec: RouteSpec, ids: { gpu: string; key: string; sub: string }): string {
  const id = spec.path.startsWith('/api/gpus/') ? ids.gpu : spec.path.startsWith('/api/api-keys/') ? ids.key : ids.sub;
  return spec.path.replace(':id', id).replace(/:\w+/g, 'x');
}

function bodyFor(spec: RouteSpec): Record<string, unknown> | undefined {
  if (!spec.body) return undefined;
  const b = { ...spec.example };
  if (typeof b['email'] === 'string') b['email'] = `u-${randomBytes(5).toString('hex')}@example.com`;
  return b;
}

const protectedRoutes = () => routes.filter((r) => r.auth !== 'public');

describe('authentication on every protected route', () => {
  it('has protected, admin and body routes to check', () => {
    expect(protectedRoutes().length).toBeGreaterThan(10);
    expect(routes.filter((r) => r.auth === 'admin').length).toBe(3);
  });

  it('no credentials, an empty or garbage bearer, or another scheme → 401 UNAUTHORIZED', async () => {
    const ids = await ownedIds(await mintTenant(h));
    for (const spec of protectedRoutes()) {
      for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: 'Bearer garbage' }, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer gpo_0000000000000000_' + 'A'.repeat(43) }]) {
        const res = await send(spec.method, pathFor(spec, ids), { headers, body: bodyFor(spec) });
        expect(res.status, `${spec.method} ${spec.path} ${JSON.stringify(headers)}`).toBe(401);
        expect(errorCode(res)).toBe('UNAUTHORIZED');
      }
    }
  });

  it('tampered, expired, alg none, wrong-key, wrong-issuer and wrong-audience JWTs → 401', async () => {
    const t = await mintTenant(h, { role: 'admin', plan: 'custom' });
    const admin = await mintTenant(h, { role: 'admin', plan: 'custom' });
    const ids = await ownedIds(t);
    const past = { now: () => new Date(h.clock.now().getTime() - 2 * 3600_000) };
    const expired = (await createTokenService({ secret: JWT_SECRET, ttlSeconds: 3600, issuer: 'gpuoptimizer', audience: 'gpuoptimizer-api', clock: past }).issue(t.user.id, 0)).token;
    const wrongKey = (await createTokenService({ secret: 'another-secret-another-secret-another', ttlSeconds: 3600, issuer: 'gpuoptimizer', audience: 'gpuoptimizer-api', clock: h.clock }).issue(t.user.id, 0)).token;
    const [head, payload, sig] = t.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const key = new TextEncoder().encode(JWT_SECRET);
    const signed = (iss: string, aud: string) =>
      new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject(t.user.id).setIssuer(iss).setAudience(aud).setIssuedAt().setExpirationTime('1h').sign(key);
    const forged = {
      tamperedPayload: `${head}.${b64({ ...claims, sub: admin.user.id })}.${sig}`,
      tamperedSignature: `${head}.${payload}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      expired,
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      algNoneNoDot: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}`,
      wrongKey,
      wrongIssuer: await signed('evil', 'gpuoptimizer-api'),
      wrongAudience: await signed('gpuoptimizer', 'someone-else'),
      staleVersion: `${head}.${payload}.${sig}`,
    };
    h.store.users.setPassword(t.user.id, t.user.passwordHash); // bumps token_version: staleVersion is now revoked
    for (const spec of protectedRoutes()) {
      for (const [name, token] of Object.entries(forged)) {
        const res = await send(spec.method, pathFor(spec, ids), { headers: { authorization: `Bearer ${token}` }, body: bodyFor(spec) });
        expect(res.status, `${name} on ${spec.method} ${spec.path}`).toBe(401);
      }
    }
  });

  it('an agent-scope key → 403 on every protected route', async () => {
    const t = await mintTenant(h, { role: 'admin', plan: 'custom' });
    const ids = await ownedIds(t);
    const { raw } = h.store.apiKeys.create(t.user.id, 'agent', 'agent');
    for (const spec of protectedRoutes()) {
      for (const headers of [{ authorization: `Bearer ${raw}` }, {}]) {
        const path = pathFor(spec, ids) + ('authorization' in headers ? '' : `?api_key=${raw}`);
        const res = await send(spec.method, path, { headers, body: bodyFor(spec) });
        expect(res.status, `${spec.method} ${spec.path}`).toBe(403);
      }
    }
  });

  it('a user (by token or API key) on every admin route → 403 FORBIDDEN', async () => {
    const u = await mintTenant(h, { plan: 'custom' });
    const ids = await ownedIds(u);
    const key = h.store.apiKeys.create(u.user.id, 'k', 'api').raw;
    for (const spec of routes.filter((r) => r.auth === 'admin')) {
      for (const auth of [u.auth, { authorization: `Bearer ${key}` }]) {
        const res = await send(spec.method, pathFor(spec, ids), { headers: auth, body: bodyFor(spec) });
        expect(res.status, `${spec.method} ${spec.path}`).toBe(403);
        expect(errorCode(res)).toBe('FORBIDDEN');
      }
    }
  });
});

describe('tenant isolation', () => {
  it("another tenant's ids → 404 on every user route with an id, and the owner's data is untouched", async () => {
    const owner = await mintTenant(h, { plan: 'custom' });
    const intruder = await mintTenant(h, { plan: 'custom' });
    const ids = await ownedIds(owner);
    const idRoutes = routes.filter((r) => r.auth === 'user' && r.path.includes(':id'));
    expect(idRoutes.length).toBeGreaterThanOrEqual(4);
    for (const spec of idRoutes) {
      const res = await send(spec.method, pathFor(spec, ids), { headers: intruder.auth, body: bodyFor(spec) });
      expect(res.status, `${spec.method} ${spec.path}`).toBe(404);
      expect(errorCode(res)).toBe('NOT_FOUND');
    }
    expect(h.store.gpus.byId(owner.user.id, ids.gpu)).not.toBeNull();
    expect(h.store.apiKeys.list(owner.user.id, { page: 1, perPage: 10 }).rows.find((k) => k.id === ids.key)?.revokedAt).toBeNull();
  });
});

describe('request bodies on every route that takes one', () => {
  const bodyRoutes = () => routes.filter((r) => r.method !== 'get');

  it('malformed JSON → 400 INVALID_REQUEST; a JSON array or string → 400', async () => {
    const t = await mintTenant(h, { role: 'admin', plan: 'custom' });
    const ids = await ownedIds(t);
    for (const spec of bodyRoutes().filter((r) => r.body)) {
      for (const raw of ['{"name": "x",', '{bad json}', '[1,2]', '"text"', 'null']) {
        const res = await send(spec.method, pathFor(spec, ids), { headers: t.auth, body: raw });
        expect(res.status, `${spec.method} ${spec.path} ${raw}`).toBe(400);
        expect(errorCode(res)).toBe('INVALID_REQUEST');
      }
    }
  });

  it('bodies over the limit → 413 PAYLOAD_TOO_LARGE, with or without a Content-Length', async () => {
    const t = await mintTenant(h, { role: 'admin', plan: 'custom' });
    const ids = await ownedIds(t);
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    for (const spec of bodyRoutes()) {
      for (const headers of [t.auth, { ...t.auth, 'content-length': String(Buffer.byteLength(big)) }]) {
        const res = await send(spec.method, pathFor(spec, ids), { headers, body: big });
        expect(res.status, `${spec.method} ${spec.path}`).toBe(413);
        expect(errorCode(res)).toBe('PAYLOAD_TOO_LARGE');
      }
    }
  });

  it('injection strings in every string field are stored and returned verbatim, or refused with 400', async () => {
    let verbatim = 0;
    for (const spec of routes.filter((r) => r.body && r.example)) {
      for (const field of Object.keys(spec.example ?? {}).filter((f) => typeof spec.example?.[f] === 'string')) {
        for (const value of INJECTIONS) {
          const t = await mintTenant(h, { role: 'admin', plan: 'custom' });
          const ids = await ownedIds(t);
          const res = await send(spec.method, pathFor(spec, ids), { headers: spec.auth === 'public' ? {} : t.auth, body: { ...bodyFor(spec), [field]: value } });
          expect([200, 201, 400, 401, 409], `${spec.path} ${field}=${value}`).toContain(res.status);
          const data = res.body.data as Record<string, unknown> | undefined;
          const shown = data?.[field] ?? (data?.['user'] as Record<string, unknown> | undefined)?.[field];
          if (res.status < 300 && shown !== undefined) {
            expect(shown).toBe(value);
            verbatim += 1;
          }
        }
      }
    }
    expect(verbatim).toBeGreaterThanOrEqual(INJECTIONS.length * 5);
  });

  it('injection strings in query parameters and ids are refused or not found, never a 500', async () => {
    const t = await mintTenant(h, { role: 'admin', plan: 'custom' });
    const ids = await ownedIds(t);
    for (const spec of routes) {
      const names = spec.query ? Object.keys((spec.query as unknown as { shape: Record<string, unknown> }).shape) : [];
      for (const value of INJECTIONS) {
        for (const name of names) {
          const res = await send(spec.method, `${pathFor(spec, ids)}?${name}=${encodeURIComponent(value)}`, { headers: t.auth, body: bodyFor(spec) });
          expect(res.status, `${spec.path}?${name}`).toBe(400);
        }
        if (spec.path.includes(':id')) {
          const path = spec.path.replace(':id', encodeURIComponent(value));
          const res = await send(spec.method, path, { headers: t.auth, body: bodyFor(spec) });
          expect(res.status, `${spec.method} ${path}`).toBe(404);
        }
      }
    }
  });
});
