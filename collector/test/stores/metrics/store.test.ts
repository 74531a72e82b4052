// The metrics store against real embedded chDB: exactly-once batches, rollups, series reads.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireSample } from '@gpuoptimizer/shared';
import { openMetricsStore, type MetricsReader, type MetricsStore } from '../../../src/stores/metrics/index.js';
import { migrations } from '../../../src/stores/metrics/schema.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0); // a Monday

function sample(tsMs: number, util: number | null, memUsed: number): WireSample {
  return {
    ts_unix_ms: tsMs,
    agent: { id: 'agent-1', version: '0.1.0' },
    host: { id: 'host-1', hostname: 'gpu-07', os: 'Ubuntu 22.04', cpu_model: 'EPYC', cpu_cores: 96, memory_total_mib: 1_048_576 },
    cloud: null,
    gpus: [0, 1].map((i) => ({
      uuid: `GPU-${i}`, index: i, name: 'NVIDIA H100 80GB HBM3', serial: null, pci_bus_id: null, driver_version: '590.48.01', mig_mode: null,
      utilization_gpu_pct: util, utilization_memory_pct: null, memory_total_mib: 81559, memory_used_mib: memUsed,
      temperature_c: 40 + i, power_draw_w: 100, power_limit_w: 700, sm_clock_mhz: null, mem_clock_mhz: null,
      pstate: 'P0', fan_speed_pct: null, ecc_errors_uncorrected: 0, throttle_reasons: null,
    })),
    processes: [{ gpu_uuid: 'GPU-0', pid: 42, name: 'python', used_memory_mib: 100 }],
  };
}

let dir: string;
let store: MetricsStore;
let reader: MetricsReader;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpuopt-metrics-'));
  ({ store, reader } = await openMetricsStore({ dataDir: dir, database: 'gpuopt_test', rawTtlDays: 3650, rollupTtlDays: 3650 }));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('metrics store on chDB', () => {
  it('applies migrations once: a second run applies nothing', async () => {
    expect(await store.migrate()).toEqual([]);
  });

  it('stores a batch re-sent with the same (tenant, agent, seq) exactly once, rollups included', async () => {
    const samples = Array.from({ length: 120 }, (_, k) => sample(T0 + k * 60_000, k % 2 === 0 ? 80 : 20, 1000 + k));
    const first = await store.writeBatch('usr_a', 'agent-1', 1, samples);
    // Two copies of the re-send at once (an old stream still writing while a new one re-sends).
    const [again, twice] = await Promise.all([
      store.writeBatch('usr_a', 'agent-1', 1, samples, { resend: true }),
      store.writeBatch('usr_a', 'agent-1', 1, samples, { resend: true }),
    ]);
    expect(first.rows).toBe(240);
    expect(again.rows).toBe(240);
    expect(twice.rows).toBe(240);
    const minute = await reader.series('usr_a', 'GPU-0', new Date(T0), new Date(T0 + 2 * HOUR), 'minute');
    expect(minute).toHaveLength(120);
    expect(minute.every((p) => p.samples === 1)).toBe(true);
    const hourly = await reader.series('usr_a', 'GPU-0', new Date(T0), new Date(T0 + 2 * HOUR), 'hour');
    expect(hourly.map((p) => p.samples)).toEqual([60, 60]);
    expect(hourly[0]).toMatchObject({ ts: '2026-11-02T00:00:00Z', utilization_avg: 50, utilization_max: 80, memory_used_max_mib: 1059, temperature_max_c: 40, power_avg_w: 100 });
  });

  it('completes a partly stored re-sent batch with only the rows it lacks', async () => {
    const samples = Array.from({ length: 10 }, (_, k) => sample(T0 + 5 * 3_600_000 + k * 1000, 50, 1));
    await store.writeBatch('usr_p', 'agent-9', 7, samples.slice(0, 4)); // as if a crash cut the batch
    await store.writeBatch('usr_p', 'agent-9', 7, samples, { resend: true });
    const pts = await reader.series('usr_p', 'GPU-0', new Date(T0), new Date(T0 + 6 * HOUR), 'minute');
    expect(pts.reduce((a, p) => a + p.samples, 0)).toBe(10);
    expect(store.counters().resend_rows_skipped).toBeGreaterThanOrEqual(8);
  });

  it('groups concurrent fresh batches and resolves each only after its insert returned', async () => {
    const writes = Array.from({ length: 20 }, (_, i) => store.writeBatch('usr_g', 'agent-g', i + 1, [sample(T0 + 7 * HOUR + i * 1000, 10, 1)]));
    const results = await Promise.all(writes);
    expect(results.every((r) => r.rows === 2)).toBe(true);
    const pts = await reader.series('usr_g', 'GPU-1', new Date(T0), new Date(T0 + 8 * HOUR), 'minute');
    expect(pts.reduce((a, p) => a + p.samples, 0)).toBe(20);
  });

  it('keeps NULL utilisation as null, never 0', async () => {
    await store.writeBatch('usr_b', 'agent-2', 1, [sample(T0, null, 5)]);
    const [p] = await reader.series('usr_b', 'GPU-1', new Date(T0 - HOUR), new Date(T0 + HOUR), 'minute');
    expect(p).toMatchObject({ utilization_avg: null, utilization_max: null, memory_used_max_mib: 5, samples: 1 });
  });

  it('never returns another tenant’s rows', async () => {
    expect(await reader.series('usr_nobody', 'GPU-0', new Date(T0), new Date(T0 + 2 * HOUR), 'hour')).toEqual([]);
  });

  it('aggregates days from hourly rollups and feeds hourly usage with p95', async () => {
    const usage = await reader.hourlyUsage('usr_a', 'GPU-0', new Date(T0), new Date(T0 + 2 * HOUR));
    expect(usage).toHaveLength(2);
    expect(usage[0]).toMatchObject({ hour: '2026-11-02T00:00:00Z', samples: 60, utilization_p95: 80, memory_total_mib: 81559 });
    const day = await reader.series('usr_a', 'GPU-0', new Date(T0), new Date(T0 + 24 * HOUR), 'day');
    expect(day).toEqual([expect.objectContaining({ ts: '2026-11-02T00:00:00Z', samples: 120 })]);
  });

  it('reads the most processes per GPU per 5-minute period from raw samples', async () => {
    const counts = await reader.processCounts('usr_a', ['GPU-0', 'GPU-1'], new Date(T0), new Date(T0 + 10 * 60_000));
    // sample() puts one process on GPU-0 and none on GPU-1.
    expect(counts.filter((c) => c.gpu_uuid === 'GPU-0').map((c) => c.processes)).toEqual([1, 1]);
    expect(counts.filter((c) => c.gpu_uuid === 'GPU-1').map((c) => c.processes)).toEqual([0, 0]);
    expect(counts[0]?.period_start).toBe('2026-11-02T00:00:00Z');
  });

  it('renders cluster DDL with ON CLUSTER, Replicated engines and Distributed tables', () => {
    const sql = migrations({ database: 'db', cluster: 'main', rawTtlDays: 30, rollupTtlDays: 400})
      .flatMap((m) => m.statements).join('\n');
    expect(sql).toContain(`CREATE TABLE IF NOT EXISTS db.gpu_samples_local ON CLUSTER 'main'`);
    expect(sql).toContain(`ReplicatedMergeTree('/clickhouse/tables/{shard}/db/gpu_samples_local', '{replica}')`);
    expect(sql).toContain(`ReplicatedAggregatingMergeTree(`);
    expect(sql).toContain(`ENGINE = Distributed('main', 'db', 'gpu_samples_local'`);
    expect(sql).toContain('TTL toDateTime(ts) + INTERVAL 30 DAY');
  });
});
