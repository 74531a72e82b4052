/**
 * Right-sizing never breaks the work: it keeps every busy GPU, the peak memory plus headroom, a
 * compute capability no lower than today's, and enough throughput for the observed peak.
 * Expected dollars come from the CSV prices written out here, not from the engine.
 */
import { describe, expect, it } from 'vitest';
import { recommend } from '../../../src/domain/recommendations/index.js';
import { IDLE, MIB, TRAINING, input, instance, money, trace } from './traces.js';

describe('instance_type: counter-cases (nothing to shrink)', () => {
  it('8 GPUs busy training on p4d.24xlarge: no recommendation at all', () => {
    const result = recommend(input(instance('aws', 'p4d.24xlarge', 'us-east-1', 8, 'NVIDIA A100-SXM4-40GB', MIB.A100_40), trace(8, MIB.A100_40, () => TRAINING)));
    expect(result.status).toBe('ok');
    expect(result.recommendations).toEqual([]);
    expect(result.total_potential_savings).toBe(0);
    expect(result.message).toMatch(/^No recommendation/);
  });

  it('memory-bound job at 10 % utilisation but 90 % memory on an A100 80GB (Azure): no smaller-memory GPU', () => {
    const inst = instance('azure', 'Standard_NC24ads_A100_v4', 'eastus', 1, 'NVIDIA A100 80GB PCIe', MIB.A100_80);
    const result = recommend(input(inst, trace(1, MIB.A100_80, () => ({ util: 10, memPct: 90, max: 15 }))));
    expect(result.recommendations).toEqual([]);
  });

  it('the same light job with 20 % memory does move to the A10 (the memory was what kept it)', () => {
    const inst = instance('azure', 'Standard_NC24ads_A100_v4', 'eastus', 1, 'NVIDIA A100 80GB PCIe', MIB.A100_80);
    const [rec] = recommend(input(inst, trace(1, MIB.A100_80, () => ({ util: 10, memPct: 20, max: 15 })))).recommendations;
    expect(rec).toMatchObject({ type: 'instance_type', current: 'Standard_NC24ads_A100_v4', recommended: 'Standard_NV36ads_A10_v5' });
    expect(rec?.potential_savings).toBe(money((3.673 - 3.2) * 730));
    expect(rec?.risk.level).toBe('medium');
    expect(rec?.evidence.projected_utilization_pct).toBe(37.4);
  });

  it('memory-bound job on an L40S (AWS g6e.xlarge) at 90 % memory: never an L4', () => {
    const inst = instance('aws', 'g6e.xlarge', 'us-east-1', 1, 'NVIDIA L40S', MIB.L40S);
    expect(recommend(input(inst, trace(1, MIB.L40S, () => ({ util: 10, memPct: 90, max: 15 })))).recommendations).toEqual([]);
    const light = recommend(input(inst, trace(1, MIB.L40S, () => ({ util: 10, memPct: 20, max: 15 })))).recommendations[0];
    // g6.xlarge has too little host RAM (16 < 0.9 × 32 GiB); g6.2xlarge is the cheapest L4 that keeps the host.
    expect(light).toMatchObject({ recommended: 'g6.2xlarge', potential_savings: money((1.861 - 0.9776) * 730) });
  });

  it('5-minute peaks count: a light average with 90 % bursts keeps its L40S', () => {
    const inst = instance('aws', 'g6e.xlarge', 'us-east-1', 1, 'NVIDIA L40S', MIB.L40S);
    const usage = trace(1, MIB.L40S, () => ({ util: 10, memPct: 20, max: 15 }));
    const first = usage[0];
    if (!first) throw new Error('no trace');
    first.peaks_5m = first.hourly.map((h) => ({ period_start: h.hour, utilization_max: 90 }));
    expect(recommend(input(inst, usage)).recommendations).toEqual([]);
  });

  it('a host-only shrink (same GPU, fewer vCPUs) is not proposed: there is no host evidence', () => {
    const inst = instance('gcp', 'g2-standard-8', 'us-central1', 1, 'NVIDIA L4', MIB.L4);
    expect(recommend(input(inst, trace(1, MIB.L4, () => ({ util: 30, memPct: 50, max: 40 })))).recommendations).toEqual([]);
  });
});

describe('instance_type: 2 of 8 GPUs busy → the 2-GPU type of the family', () => {
  const twoBusy = (gpu: number) => (gpu < 2 ? TRAINING : IDLE);

  it('GCP a2-highgpu-8g → a2-highgpu-2g', () => {
    const inst = instance('gcp', 'a2-highgpu-8g', 'us-central1', 8, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const result = recommend(input(inst, trace(8, MIB.A100_40, (_, gpu) => twoBusy(gpu))));
    expect(result.recommendations).toHaveLength(1);
    const rec = result.recommendations[0];
    expect(rec).toMatchObject({ type: 'instance_type', current: 'a2-highgpu-8g', recommended: 'a2-highgpu-2g', potential_savings: money((29.38708 - 7.34677) * 730) });
    expect(rec?.potential_savings).toBe(16089.43);
    expect(rec?.risk.level).toBe('low');
    expect(rec?.confidence).toBeGreaterThan(0.5);
    expect(rec?.evidence).toMatchObject({ busy_gpus: 2, peak_concurrent_busy_gpus: 2, gpus_needed: 2, hours_of_data: 336, coverage: 1 });
    expect(rec?.reason).toContain('2 of 8 GPUs were busy');
    expect(result.total_potential_savings).toBe(rec?.potential_savings);
  });

  it('Azure ND96amsr_A100_v4 → NC48ads_A100_v4', () => {
    const inst = instance('azure', 'Standard_ND96amsr_A100_v4', 'eastus', 8, 'NVIDIA A100-SXM4-80GB', MIB.A100_80);
    const [rec] = recommend(input(inst, trace(8, MIB.A100_80, (_, gpu) => twoBusy(gpu)))).recommendations;
    expect(rec).toMatchObject({ recommended: 'Standard_NC48ads_A100_v4', potential_savings: money((32.77 - 7.346) * 730) });
  });

  it('AWS p4d.24xlarge (no 2-GPU A100 type) → the cheapest fit, g6e.12xlarge, with its interconnect risk stated', () => {
    const inst = instance('aws', 'p4d.24xlarge', 'us-east-1', 8, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const [rec] = recommend(input(inst, trace(8, MIB.A100_40, (_, gpu) => twoBusy(gpu)))).recommendations;
    expect(rec).toMatchObject({ recommended: 'g6e.12xlarge', potential_savings: money((21.957642 - 10.49264) * 730) });
    expect(rec?.risk).toMatchObject({ level: 'medium', kind: 'performance' });
    expect(rec?.risk.notes.join(' ')).toContain('interconnect');
  });

  it('GPUs busy one at a time still count: 2 GPUs each busy alone, never together, keep 2', () => {
    const inst = instance('gcp', 'a2-highgpu-8g', 'us-central1', 8, 'NVIDIA A100-SXM4-40GB', MIB.A100_40);
    const alternate = trace(8, MIB.A100_40, (_, gpu, h) => (gpu === h % 2 ? TRAINING : IDLE));
    expect(recommend(input(inst, alternate)).recommendations[0]?.recommended).toBe('a2-highgpu-2g');
  });
});
