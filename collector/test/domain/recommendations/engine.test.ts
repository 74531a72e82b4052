/**
 * The engine's envelope guarantees: no advice on thin data, no invented prices, the catalog it
 * priced from named, confidence that follows coverage, thresholds that are validated.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  ThresholdError,
  gpuCostPerHour,
  gpuSavingsShare,
  rankFleet,
  recommend,
  resolveThresholds,
} from '../../../src/domain/recommendations/index.js';
import { IDLE, MIB, TRAINING, catalog, input, instance, money, trace } from './traces.js';

const idleG5 = instance('aws', 'g5.xlarge', 'us-east-1', 1, 'NVIDIA A10G', MIB.A10G);

describe('data requirements', () => {
  it('under 30 h of data: no recommendation, and a message saying how much more is needed', () => {
    const last20 = trace(1, MIB.A10G, (_, __, h) => (h >= 336 - 20 ? IDLE : null));
    const result = recommend(input(idleG5, last20));
    expect(result).toMatchObject({ status: 'insufficient_data', recommendations: [], total_potential_savings: 0, hours_of_data: 20 });
    expect(result.message).toBe('Only 20 h of usage data in the last 14 days: recommendations need at least 30 h, so about 10 more hours of agent data.');
    expect(result.catalog.rows).toBe(104);
  });

  it('at 30 h it recommends, with confidence scaled by coverage (30 of 336 h)', () => {
    const last30 = trace(1, MIB.A10G, (_, __, h) => (h >= 336 - 30 ? IDLE : null));
    const [rec] = recommend(input(idleG5, last30)).recommendations;
    expect(rec?.type).toBe('idle');
    expect(rec?.confidence).toBe(money(0.95 * (30 / 336)));
    // A new instance: the 30 h seen are all it has existed, so it is idle every hour of a month.
    expect(rec?.potential_savings).toBe(money(1.006 * 730));
  });

  it('a longer lookback is configurable (up to 93 days) and 94 is refused', () => {
    const result = recommend(input(idleG5, trace(1, MIB.A10G, () => IDLE, 28), { thresholds: { lookbackDays: 28 } }));
    expect(result.lookback).toEqual({ start: '2025-12-22T00:00:00.000Z', end: '2026-01-19T00:00:00.000Z', days: 28 });
    expect(result.hours_of_data).toBe(672);
    expect(() => resolveThresholds({ lookbackDays: 94 })).toThrow(ThresholdError);
    expect(() => resolveThresholds({ idleShareMin: 2 })).toThrow(/idleShareMin must be a number from 0.5 to 1/);
    expect(resolveThresholds({})).toEqual(DEFAULT_THRESHOLDS);
  });
});

describe('pricing', () => {
  it('an on-premises host is not priced: no recommendation, and it says why', () => {
    const onPrem = instance('on_prem', 'dgx-a100', 'lab', 1, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const result = recommend(input(onPrem, trace(1, MIB.A100_40, () => IDLE)));
    expect(result).toMatchObject({ status: 'not_priced', recommendations: [] });
    expect(result.message).toContain('not in the GPU catalog');
  });

  it('a region missing from the catalog is priced from the provider\u2019s catalog region, flagged, at lower confidence', () => {
    const west = instance('aws', 'g5.xlarge', 'us-west-2', 1, 'NVIDIA A10G', MIB.A10G);
    const [rec] = recommend(input(west, trace(1, MIB.A10G, () => IDLE))).recommendations;
    expect(rec?.evidence.price).toEqual({ catalog_instance_type: 'g5.xlarge', region: 'us-east-1', lifecycle: 'on_demand', usd_per_hour: 1.006, region_fallback: true });
    expect(rec?.confidence).toBe(money(0.95 * 0.8));
    const strict = recommend(input(west, trace(1, MIB.A10G, () => IDLE), { thresholds: { allowRegionFallback: false } }));
    expect(strict.status).toBe('not_priced');
  });

  it('a GCP N1 host with 2 T4s is priced as n1-highmem-8+nvidia-tesla-t4:2', () => {
    const n1 = instance('gcp', 'n1-highmem-8', 'us-central1', 2, 'Tesla T4', MIB.T4);
    const [rec] = recommend(input(n1, trace(2, MIB.T4, () => IDLE))).recommendations;
    expect(rec).toMatchObject({ type: 'idle', current: 'n1-highmem-8+nvidia-tesla-t4:2', potential_savings: money(1.17321 * 730) });
    expect(gpuCostPerHour(n1, catalog)).toBe(0.5866);
  });

  it('cost per GPU-hour is the instance price ÷ its GPU count, spot price on spot', () => {
    const p4d = instance('aws', 'p4d.24xlarge', 'us-east-1', 8, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    expect(gpuCostPerHour(p4d, catalog)).toBe(2.7447);
    expect(gpuCostPerHour({ ...p4d, lifecycle: 'spot' }, catalog)).toBe(0.3082);
    expect(gpuCostPerHour({ provider: 'gcp', instance_type: 'a2-ultragpu-1g', region: 'us-central1', lifecycle: 'on_demand' }, catalog, false)).toBeNull();
    expect(gpuCostPerHour({ provider: 'on_prem', instance_type: 'x', region: null, lifecycle: null }, catalog)).toBeNull();
  });
});

describe('fleet', () => {
  it('ranks a tenant\u2019s recommendations by savings and shares an instance\u2019s savings among its GPUs', () => {
    const gcp8 = instance('gcp', 'a2-highgpu-8g', 'us-central1', 8, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const big = recommend(input(gcp8, trace(8, MIB.A100_40, (_, gpu) => (gpu < 2 ? TRAINING : IDLE))));
    const small = recommend(input(idleG5, trace(1, MIB.A10G, () => IDLE)));
    const ranked = rankFleet([
      { gpu_ids: ['gpu_small'], host_id: 'hst_1', result: small },
      { gpu_ids: ['gpu_a', 'gpu_b'], host_id: 'hst_2', result: big },
    ]);
    expect(ranked.map((r) => [r.type, r.gpu_ids[0]])).toEqual([['instance_type', 'gpu_a'], ['idle', 'gpu_small']]);
    expect(gpuSavingsShare(big)).toBe(money(big.total_potential_savings / 8));
  });
});
