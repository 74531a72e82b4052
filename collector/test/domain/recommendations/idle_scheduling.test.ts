/**
 * Idle instances are called idle only below both the utilisation and the memory threshold; a
 * schedule needs idle windows that recur every week. Savings = catalog price × idle hours.
 */
import { describe, expect, it } from 'vitest';
import { recommend } from '../../../src/domain/recommendations/index.js';
import { IDLE, MIB, TRAINING, input, instance, money, trace, weekend } from './traces.js';

describe('idle', () => {
  it('an AWS g5.xlarge idle for the whole lookback → stop it, saving its full monthly price', () => {
    const result = recommend(input(instance('aws', 'g5.xlarge', 'us-east-1', 1, 'NVIDIA A10G', MIB.A10G), trace(1, MIB.A10G, () => IDLE)));
    expect(result.recommendations).toHaveLength(1);
    const rec = result.recommendations[0];
    expect(rec).toMatchObject({ type: 'idle', current: 'g5.xlarge', recommended: 'stop', potential_savings: money(1.006 * 730) });
    expect(rec?.potential_savings).toBe(734.38);
    expect(rec?.confidence).toBe(0.95);
    expect(rec?.evidence).toMatchObject({ idle_share: 1, idle_hours: 336 });
    expect(result.total_potential_savings).toBe(734.38);
  });

  it('an Azure V100 busy 2 hours a day → stop it when idle: price × the 22 idle hours a day', () => {
    const inst = instance('azure', 'Standard_NC6s_v3', 'eastus', 1, 'Tesla V100-PCIE-16GB', MIB.V100);
    const usage = trace(1, MIB.V100, (at) => (at.getUTCHours() < 2 ? TRAINING : IDLE));
    const [rec, ...others] = recommend(input(inst, usage)).recommendations;
    expect(others).toEqual([]);
    expect(rec).toMatchObject({ type: 'idle', potential_savings: money(3.06 * (22 / 24) * 730) });
    expect(rec?.risk.level).toBe('medium');
  });

  it('steady inference at 30 % is not idle, and needs nothing else', () => {
    const inst = instance('aws', 'g6.xlarge', 'us-east-1', 1, 'NVIDIA L4', MIB.L4);
    const result = recommend(input(inst, trace(1, MIB.L4, (_, __, h) => ({ util: 25 + (h % 10), memPct: 55, max: 45 }))));
    expect(result.recommendations.map((r) => r.type)).toEqual([]);
  });

  it('a model loaded in memory at 0 % utilisation is not called idle (something is waiting for work)', () => {
    const inst = instance('aws', 'g5.xlarge', 'us-east-1', 1, 'NVIDIA A10G', MIB.A10G);
    const result = recommend(input(inst, trace(1, MIB.A10G, () => ({ util: 0, memPct: 60 }))));
    expect(result.recommendations.find((r) => r.type === 'idle')).toBeUndefined();
  });
});

describe('scheduling', () => {
  it('a GCP A100 (a2-highgpu-1g) idle on weekends → stop Sat 00:00, start Mon 00:00 UTC', () => {
    const inst = instance('gcp', 'a2-highgpu-1g', 'us-central1', 1, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const result = recommend(input(inst, trace(1, MIB.A100_40, (at) => (weekend(at) ? IDLE : TRAINING))));
    expect(result.recommendations).toHaveLength(1);
    const rec = result.recommendations[0];
    // 2 weekends × 48 h idle in 336 h observed, scaled to a 730-hour month.
    expect(rec).toMatchObject({ type: 'scheduling', potential_savings: money(3.67339 * (96 / 336) * 730) });
    expect(rec?.potential_savings).toBe(766.16);
    expect(rec?.schedule).toEqual([{ stop_at: 'Sat 00:00 UTC', start_at: 'Mon 00:00 UTC', hours_per_week: 48 }]);
    expect(rec?.evidence.hour_of_week_pattern.days).toMatchObject({ fri: '#'.repeat(24), sat: '.'.repeat(24), sun: '.'.repeat(24) });
    expect(rec?.evidence).toMatchObject({ weeks_observed: 2, recurring_idle_hours_per_week: 48 });
  });

  it('nights idle on weekdays and whole weekends → one window per night plus the weekend', () => {
    const inst = instance('aws', 'g5.xlarge', 'us-east-1', 1, 'NVIDIA A10G', MIB.A10G);
    const work = (at: Date) => !weekend(at) && at.getUTCHours() >= 8 && at.getUTCHours() < 20;
    const rec = recommend(input(inst, trace(1, MIB.A10G, (at) => (work(at) ? TRAINING : IDLE)))).recommendations.find((r) => r.type === 'scheduling');
    expect(rec?.schedule?.map((w) => `${w.stop_at}-${w.start_at}`)).toEqual([
      'Mon 20:00 UTC-Tue 08:00 UTC', 'Tue 20:00 UTC-Wed 08:00 UTC', 'Wed 20:00 UTC-Thu 08:00 UTC', 'Thu 20:00 UTC-Fri 08:00 UTC', 'Fri 20:00 UTC-Mon 08:00 UTC',
    ]);
    const idleHoursPerWeek = 168 - 5 * 12;
    expect(rec?.potential_savings).toBe(money(1.006 * ((2 * idleHoursPerWeek) / 336) * 730));
  });

  it('idle windows seen in one week only are not a schedule', () => {
    const inst = instance('gcp', 'a2-highgpu-1g', 'us-central1', 1, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const oneWeekend = trace(1, MIB.A100_40, (at, _, h) => (weekend(at) && h > 168 ? IDLE : TRAINING));
    expect(recommend(input(inst, oneWeekend)).recommendations).toEqual([]);
  });

  it('right-size and schedule together: the total counts the overlap once', () => {
    const inst = instance('gcp', 'a2-highgpu-8g', 'us-central1', 8, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const usage = trace(8, MIB.A100_40, (at, gpu) => (gpu < 2 && !weekend(at) ? TRAINING : IDLE));
    const result = recommend(input(inst, usage));
    const [p8, p2] = [29.38708, 7.34677];
    const weekendHours = (96 / 336) * 730;
    const byType = Object.fromEntries(result.recommendations.map((r) => [r.type, r.potential_savings]));
    expect(byType).toEqual({ instance_type: money((p8 - p2) * 730), scheduling: money(p8 * weekendHours) });
    // Acting on both: pay the 2-GPU price only for the hours the schedule keeps it running.
    expect(result.total_potential_savings).toBeCloseTo(p8 * 730 - p2 * (730 - weekendHours), 1);
    expect(result.total_potential_savings).toBeLessThan((byType.instance_type ?? 0) + (byType.scheduling ?? 0));
  });
});
