/**
 * Spot is proposed only for on-demand work that tolerates interruption (bursts with gaps, or
 * processes that start and end), with lower confidence than right-sizing and its risk stated.
 */
import { describe, expect, it } from 'vitest';
import { recommend } from '../../../src/domain/recommendations/index.js';
import { IDLE, MIB, NOW, TRAINING, input, instance, money, trace } from './traces.js';

// 5-hour jobs every 9 hours: bursts with gaps that do not line up with the week, so no schedule.
const batch = (_: Date, __: number, h: number) => (h % 9 < 5 ? TRAINING : IDLE);
const busyHours = Array.from({ length: 336 }, (_, h) => h).filter((h) => h % 9 < 5).length;

describe('spot', () => {
  it('batch-like bursts on an on-demand g6.xlarge → spot, saving the price gap over the busy hours', () => {
    const result = recommend(input(instance('aws', 'g6.xlarge', 'us-east-1', 1, 'NVIDIA L4', MIB.L4), trace(1, MIB.L4, batch)));
    expect(result.recommendations.map((r) => r.type)).toEqual(['spot']);
    const rec = result.recommendations[0];
    expect(busyHours).toBe(188);
    expect(rec).toMatchObject({ current: 'g6.xlarge (on-demand)', recommended: 'g6.xlarge (spot)', potential_savings: money((0.8048 - 0.349) * (188 / 336) * 730) });
    expect(rec?.risk).toMatchObject({ kind: 'interruption', level: 'medium' });
    expect(rec?.risk.notes[0]).toContain('2 minutes');
    expect(rec?.confidence).toBeLessThanOrEqual(0.7);
    expect(rec?.evidence).toMatchObject({ bursts: 38, busy_share: 0.56, spot_usd_per_hour: 0.349 });
  });

  it('steady 24/7 serving → no spot', () => {
    const serving = trace(1, MIB.L4, (_, __, h) => ({ util: 40 + (h % 20), memPct: 60, max: 75 }));
    expect(recommend(input(instance('aws', 'g6.xlarge', 'us-east-1', 1, 'NVIDIA L4', MIB.L4), serving)).recommendations).toEqual([]);
  });

  it('bursty GPUs behind a server process alive the whole time → no spot', () => {
    const processes = [{ gpu_uuid: 'GPU-0', name: 'tritonserver', started_at: '2025-12-01T00:00:00Z', ended_at: null }];
    const result = recommend(input(instance('aws', 'g6.xlarge', 'us-east-1', 1, 'NVIDIA L4', MIB.L4), trace(1, MIB.L4, batch), { processes }));
    expect(result.recommendations).toEqual([]);
  });

  it('processes that start and end make steady-looking work batch (GCP: 30-second notice)', () => {
    const inst = instance('gcp', 'g2-standard-4', 'us-central1', 1, 'NVIDIA L4', MIB.L4);
    const steady = trace(1, MIB.L4, (_, __, h) => (h % 48 < 40 ? TRAINING : IDLE));
    const jobs = Array.from({ length: 7 }, (_, i) => ({
      gpu_uuid: 'GPU-0', name: 'train.py',
      started_at: new Date(NOW.getTime() - (336 - 48 * i) * 3_600_000).toISOString(),
      ended_at: new Date(NOW.getTime() - (336 - 48 * i - 40) * 3_600_000).toISOString(),
    }));
    const without = recommend(input(inst, steady)).recommendations.find((r) => r.type === 'spot');
    expect(without).toBeDefined(); // 7 bursts already batch-like
    const rec = recommend(input(inst, steady, { processes: jobs })).recommendations.find((r) => r.type === 'spot');
    expect(rec?.evidence.completed_processes).toBe(7);
    expect(rec?.potential_savings).toBe(money((0.70683 - 0.28184) * (280 / 336) * 730));
    expect(rec?.risk.notes[0]).toContain('30 seconds');
  });

  it('an 8-GPU p4d with a single-zone spot price gets a high interruption risk', () => {
    const inst = instance('aws', 'p4d.24xlarge', 'us-east-1', 8, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const rec = recommend(input(inst, trace(8, MIB.A100_40, batch))).recommendations.find((r) => r.type === 'spot');
    expect(rec?.risk.level).toBe('high');
    expect(rec?.risk.notes.join(' ')).toContain('CAUTION');
    expect(rec?.potential_savings).toBe(money((21.957642 - 2.4655) * (188 / 336) * 730));
  });

  it('an instance already on spot and a type without a spot price get no spot advice', () => {
    const onSpot = instance('aws', 'g6.xlarge', 'us-east-1', 1, 'NVIDIA L4', MIB.L4, 'spot');
    expect(recommend(input(onSpot, trace(1, MIB.L4, batch))).recommendations.find((r) => r.type === 'spot')).toBeUndefined();
    const h100 = instance('aws', 'p5.4xlarge', 'us-east-1', 1, 'NVIDIA H100 80GB HBM3', 81559);
    expect(recommend(input(h100, trace(1, 81559, batch))).recommendations.find((r) => r.type === 'spot')).toBeUndefined();
  });
});
