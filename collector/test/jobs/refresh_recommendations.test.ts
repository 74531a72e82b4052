// The periodic refresh fills the recommendation cache for every tenant, so GET /api/gpus shows
// savings without anyone opening /optimize first.
import { afterAll, describe, expect, it } from 'vitest';
import { createRecommendationCache, createGpuPricing } from '../../src/api/recommendations/index.js';
import { bundledCatalog } from '../../src/api/recommendations/evaluate.js';
import { refreshAll } from '../../src/jobs/refresh_recommendations.js';
import type { HourlyUsage, UsageReader } from '../../src/ports.js';
import { gpuSample, makeHarness, mintTenant, report } from '../api/harness.js';

const h = makeHarness();
afterAll(() => h.close());

/** Every hour of the window idle: 0 % utilisation, almost no memory. */
const idleUsage: UsageReader = {
  async hourlyUsage(_tenant, _gpu, start, end) {
    const out: HourlyUsage[] = [];
    for (let t = Math.ceil(start.getTime() / 3_600_000) * 3_600_000; t < end.getTime(); t += 3_600_000) {
      out.push({ hour: new Date(t).toISOString(), samples: 360, utilization_avg: 0, utilization_p95: 0, utilization_max: 0, memory_used_avg_mib: 2, memory_used_max_mib: 2, memory_total_mib: 40960, power_avg_w: 55 });
    }
    return out;
  },
};

describe('recommendation refresh', () => {
  it('evaluates every tenant and fills savings for GET /api/gpus', async () => {
    const a = await mintTenant(h);
    const b = await mintTenant(h);
    report(h, a.user.id, [gpuSample('GPU-a-0')]);
    report(h, b.user.id, [gpuSample('GPU-b-0')], h.clock.now(), 'host-b');
    const cache = createRecommendationCache();
    const deps = { gpus: h.store.gpus, usage: idleUsage, catalog: bundledCatalog, clock: h.clock, cache };
    const logs: string[] = [];
    const instances = await refreshAll({ deps, users: h.store.users, log: (_l, msg) => void logs.push(msg) });
    expect(instances).toBe(2);
    expect(logs).toEqual([]);
    const pricing = createGpuPricing({ clock: h.clock, cache });
    for (const t of [a, b]) {
      const [gpu] = h.store.gpus.list(t.user.id, { page: 1, perPage: 10, onlineSince: new Date(0).toISOString(), idleBelowPct: 5 }).rows;
      const figures = pricing.price(gpu!);
      expect(figures.cost_per_hour).toBeGreaterThan(0);
      expect(figures.savings).toBeGreaterThan(0); // an idle p4d.24xlarge GPU is money to save
    }
    expect(cache.totalSavings(h.clock.now())).toBeGreaterThan(0);
  });
});
