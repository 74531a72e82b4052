// The ingest rate on /api/admin/metrics: counter increase per second over the last minute.
import { describe, expect, it } from 'vitest';
import { createRateMeter } from '../../src/ingest/rate.js';

describe('createRateMeter', () => {
  it('reports the increase per second over the sliding window, forgetting older readings', () => {
    let t = 0;
    let v = 0;
    const m = createRateMeter(() => v, { stepMs: 60_000, windowMs: 60_000, now: () => t });
    expect(m.perSecond()).toBe(0);
    for (let i = 0; i < 12; i++) {
      t += 5_000;
      v += 5_000; // 1,000 a second
      m.tick();
    }
    expect(m.perSecond()).toBe(1000);
    for (let i = 0; i < 12; i++) {
      t += 5_000;
      v += 500; // slows to 100 a second
      m.tick();
    }
    expect(m.perSecond()).toBeCloseTo(100, -1);
    m.stop();
  });
});
