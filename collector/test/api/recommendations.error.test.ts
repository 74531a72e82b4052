/** The recommendations routes' failures: each answers the API-SPEC error envelope with the right code. */
import { afterEach, describe, expect, it } from 'vitest';
import { call, errorCode, gpuSample, mintTenant } from './harness.js';
import { makeRecommendationHarness, reportHost } from './recommendations_harness.js';

let h: ReturnType<typeof makeRecommendationHarness> | undefined;
afterEach(() => h?.close());

const g5 = { provider: 'aws', instance_type: 'g5.xlarge', region: 'us-east-1', lifecycle: 'on_demand' } as const;

async function oneGpu() {
  h = makeRecommendationHarness();
  const t = await mintTenant(h);
  reportHost(h, t.user.id, 'host-1', g5, [gpuSample('GPU-1')]);
  const list = await call(h, 'GET', '/api/gpus', { headers: t.auth });
  return { h, t, id: list.body.data.gpus[0].id as string };
}

describe('recommendations errors', () => {
  it('401 without credentials', async () => {
    const { h } = await oneGpu();
    expect(errorCode(await call(h, 'GET', '/api/recommendations'))).toBe('UNAUTHORIZED');
  });

  it('404 for an unknown GPU and for another tenant\u2019s GPU', async () => {
    const { h, id } = await oneGpu();
    const other = await mintTenant(h);
    expect(errorCode(await call(h, 'GET', '/api/gpus/gpu_nope/optimize', { headers: other.auth }))).toBe('NOT_FOUND');
    const res = await call(h, 'GET', `/api/gpus/${id}/optimize`, { headers: other.auth });
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('NOT_FOUND');
  });

  it('400 for a lookback over 93 days, a bad type or a bad page', async () => {
    const { h, t, id } = await oneGpu();
    const res = await call(h, 'GET', `/api/gpus/${id}/optimize?lookback_days=94`, { headers: t.auth });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContain('lookback_days');
    expect(errorCode(await call(h, 'GET', '/api/recommendations?type=cheaper', { headers: t.auth }))).toBe('INVALID_REQUEST');
    expect(errorCode(await call(h, 'GET', '/api/recommendations?page=0', { headers: t.auth }))).toBe('INVALID_REQUEST');
  });

  it('503 when the metrics store does not answer, never a 500', async () => {
    const { h, t, id } = await oneGpu();
    h.usage.fail = true;
    const res = await call(h, 'GET', `/api/gpus/${id}/optimize`, { headers: t.auth });
    expect(res.status).toBe(503);
    expect(errorCode(res)).toBe('UNAVAILABLE');
  });

  it('503 when the composition root wired no usage reader', async () => {
    h = makeRecommendationHarness({ wired: false });
    const t = await mintTenant(h);
    const res = await call(h, 'GET', '/api/recommendations', { headers: t.auth });
    expect(res.status).toBe(503);
  });
});
