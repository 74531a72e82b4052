import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, errorCode, gpuSample, makeHarness, mintTenant, report, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness({ deps: { catalog: { hasInstanceType: (p, t) => p === 'aws' && t === 'p3.2xlarge' } } });
});
afterEach(() => h.close());

describe('GPU input errors', () => {
  it('refuses unknown providers, instance types outside the catalog, bad regions and half credentials', async () => {
    const t = await mintTenant(h);
    const base = { name: 'g', provider: 'aws', instance_type: 'p3.2xlarge' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, provider: 'oracle' }, 'body.provider'],
      [{ ...base, instance_type: 'p9.huge' }, 'body.instance_type'],
      [{ ...base, region: 'US EAST' }, 'body.region'],
      [{ ...base, access_key: 'only-one' }, 'secret_key'],
      [{ provider: 'aws', instance_type: 'p3.2xlarge' }, 'body.name'],
    ];
    for (const [body, field] of cases) {
      const res = await call(h, 'POST', '/api/gpus', { headers: t.auth, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('INVALID_REQUEST');
      expect(res.body.error.details).toContain(field);
    }
  });

  it('refuses per_page over 100, page 0 and unknown status or provider filters', async () => {
    const t = await mintTenant(h);
    for (const q of ['per_page=101', 'page=0', 'status=busy', 'provider=oracle', 'per_page=abc']) {
      const res = await call(h, 'GET', `/api/gpus?${q}`, { headers: t.auth });
      expect(res.status, q).toBe(400);
      expect(errorCode(res)).toBe('INVALID_REQUEST');
    }
  });

  it("lets only the name change on an agent's GPU", async () => {
    const t = await mintTenant(h);
    report(h, t.user.id, [gpuSample('GPU-aaa')]);
    const id = (await call(h, 'GET', '/api/gpus', { headers: t.auth })).body.data.gpus[0].id;
    const res = await call(h, 'PATCH', `/api/gpus/${id}`, { headers: t.auth, body: { instance_type: 'p3.2xlarge' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContain('only name');
  });

  it('answers 404 for unknown, deleted and malformed ids', async () => {
    const t = await mintTenant(h);
    const id = (await call(h, 'POST', '/api/gpus', { headers: t.auth, body: { name: 'g', provider: 'aws', instance_type: 'p3.2xlarge' } })).body.data.id;
    await call(h, 'DELETE', `/api/gpus/${id}`, { headers: t.auth });
    for (const path of [`/api/gpus/${id}`, '/api/gpus/gpu_doesnotexist', '/api/gpus/nonsense']) {
      for (const method of ['GET', 'DELETE']) {
        const res = await call(h, method, path, { headers: t.auth });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(errorCode(res)).toBe('NOT_FOUND');
      }
    }
  });
});
