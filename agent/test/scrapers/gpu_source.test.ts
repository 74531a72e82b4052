/**
 * Guarantee: the query loop, driven by the stand-in nvidia-smi, keeps producing readings and
 * recovers from every misbehaviour: a hung child (and its process group) is killed and
 * restarted, a dying one is restarted with backoff, garbage is counted while the other GPUs are
 * still read, an unavailable nvidia-smi gives one clear message, a state and a periodic retry.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGpuSource, type GpuSource } from '../../src/scrapers/nvidia_smi/gpu_source.js';
import type { GpuSourceOptions } from '../../src/scrapers/nvidia_smi/tuning.js';
import { fakeNvidiaSmiPath, fixturePath, type FakeSmiSettings } from '../support/helpers.js';
import { captureLog, waitFor } from '../support/wait.js';

const INTERVAL_MS = 100;
let source: GpuSource | null = null;
afterEach(async () => {
  await source?.shutdown();
  source = null;
});

function start(settings: FakeSmiSettings | string, extra: Partial<GpuSourceOptions> = {}) {
  const sink = captureLog();
  const path = typeof settings === 'string' ? settings : fakeNvidiaSmiPath(settings);
  source = createGpuSource({
    path,
    intervalMs: INTERVAL_MS,
    log: sink.log,
    startupGraceMs: 2_000,
    backoffBaseMs: 50,
    backoffMaxMs: 400,
    unavailableRetryMs: 100,
    processIntervalMs: 300,
    ...extra,
  });
  return { src: source, sink };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('GPU source against the stand-in', () => {
  it('reads every GPU and its processes from one long-running child', async () => {
    const { src } = start({ gpus: 2 });
    await src.start();
    const r = src.read();
    expect(r.gpus.map((g) => g.index)).toEqual([0, 1]);
    expect(new Set(r.gpus.map((g) => g.uuid)).size).toBe(2);
    expect(r.gpus[0]).toMatchObject({ name: 'NVIDIA H100 80GB HBM3', memory_total_mib: 81559, memory_used_mib: 19818, power_draw_w: 631.95, fan_speed_pct: null, compute_cap: '9.0' });
    expect(r.processes).toHaveLength(6);
    await new Promise((res) => setTimeout(res, 5 * INTERVAL_MS));
    expect(src.status()).toMatchObject({ state: 'ok', gpus: 2, restarts: 0, parse_errors: 0, stale_kills: 0 });
    expect(src.read().gpus[0]?.energy_consumption_mj).toBeGreaterThan(0);
  });

  it('kills a hung child with its whole process group and restarts it', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'smi-pid-')), 'pids');
    const { src } = start({ mode: 'hang', pidFile });
    await src.start();
    await waitFor(() => readFileSync(pidFile, 'utf8').trim().split(' ').length === 2, 2_000, 'pid file');
    const pids = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    await waitFor(() => src.status().stale_kills >= 1, 3_000, 'a stale kill');
    await waitFor(() => pids.every((p) => !alive(p)), 2_000, 'the hung group to die');
    await waitFor(() => src.status().restarts >= 1 && src.status().state === 'ok', 3_000, 'the restart');
    expect(src.read().gpus).toHaveLength(1);
  });

  it('restarts a child that dies, and keeps reading', async () => {
    const { src } = start({ mode: 'die-after-2' });
    await src.start();
    await waitFor(() => src.status().restarts >= 2, 3_000, 'two restarts');
    await waitFor(() => src.status().state === 'ok', 2_000, 'readings back');
    expect(src.read().gpus).toHaveLength(1);
  });

  it('backs off a crash loop exponentially and logs it once', async () => {
    const { src, sink } = start('/bin/false', { backoffBaseMs: 50, backoffMaxMs: 10_000 });
    await src.start();
    await new Promise((res) => setTimeout(res, 1_200));
    const s = src.status();
    expect(s.state).toBe('failing');
    // 50+100+200+400 ms: about 4-5 runs in 1.2 s, not the 20+ a fixed 50 ms retry would make.
    expect(s.restarts).toBeGreaterThanOrEqual(3);
    expect(s.restarts).toBeLessThanOrEqual(6);
    expect(sink.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toHaveLength(1);
    expect(src.read()).toEqual({ gpus: [], processes: [] });
  });

  it('counts garbage lines and unreadable cells while the other GPU is still read', async () => {
    const { src, sink } = start({ mode: 'garbage', gpus: 2 });
    await src.start();
    await waitFor(() => src.status().parse_errors >= 6, 2_000, 'parse errors');
    const gpus = src.read().gpus;
    expect(gpus.map((g) => g.index)).toEqual([1]);
    expect(gpus[0]?.utilization_gpu_pct).toBeNull();
    expect(gpus[0]?.memory_total_mib).toBe(81559);
    expect(src.status().state).toBe('ok');
    expect(sink.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  for (const [mode, state, words] of [
    ['missing-driver', 'driver_unreachable', /driver/],
    ['no-nvml', 'nvml_missing', /libnvidia-ml/],
  ] as const) {
    it(`${mode}: state ${state}, one message, periodic retry, no GPUs`, async () => {
      const { src, sink } = start({ mode });
      await src.start();
      await waitFor(() => src.status().restarts >= 3, 3_000, 'retries');
      expect(src.status()).toMatchObject({ state, gpus: 0 });
      expect(src.status().message).toMatch(words);
      expect(sink.lines.filter((l) => l.level === 'error')).toHaveLength(1);
      expect(src.read()).toEqual({ gpus: [], processes: [] });
    });
  }

  it('nvidia-smi missing: state no_nvidia_smi and a message naming the path', async () => {
    const { src, sink } = start('/nonexistent/bin/nvidia-smi');
    await src.start();
    expect(src.status()).toMatchObject({ state: 'no_nvidia_smi', gpus: 0 });
    expect(src.status().message).toContain('/nonexistent/bin/nvidia-smi not found');
    await new Promise((res) => setTimeout(res, 400));
    expect(sink.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('keeps sampling from a stand-in that prints once and exits, without warnings', async () => {
    const { src, sink } = start({ mode: 'once', gpus: 3 });
    await src.start();
    await waitFor(() => src.status().restarts >= 4, 3_000, 'restarts');
    expect(src.read().gpus).toHaveLength(3);
    expect(src.status().state).toBe('ok');
    expect(sink.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('reads a stand-in that ignores nounits (units in every cell)', async () => {
    const { src } = start({ mode: 'units', state: 'idle', capture: fixturePath('nvidia-smi', 'gpu-exporter-linux-rtx4080super-595.71.05.txt') });
    await src.start();
    expect(src.read().gpus[0]).toMatchObject({ memory_total_mib: 16376, memory_used_mib: 596, power_draw_w: 26.2, fan_speed_pct: 0, sm_clock_mhz: 210 });
    expect(src.status().parse_errors).toBe(0);
  });

  it('kills a child that grows past its memory cap', async () => {
    const { src } = start({ mode: 'grow' }, { maxRssMib: 120 });
    await src.start();
    await waitFor(() => (src.status().memory_kills ?? 0) >= 1, 5_000, 'a memory kill');
    await waitFor(() => src.status().state === 'ok', 3_000, 'the restart');
  });

  it('drops fields an older driver rejects when its help text is unreadable', async () => {
    const { src, sink } = start({ mode: 'bad-help', help: fixturePath('nvidia-smi', 'gpu-exporter-help-query-gpu.txt') });
    await src.start();
    expect(src.status().state).toBe('ok');
    expect(src.read().gpus[0]).toMatchObject({ memory_total_mib: 81559, compute_cap: null, remapped_rows_correctable: null, throttle_reasons: '0x0000000000000000' });
    expect(sink.lines.some((l) => /does not know a query field/.test(l.msg))).toBe(true);
  });

  it('reports MIG devices under their parent and leaves MIG utilisation null', async () => {
    const { src } = start({ capture: fixturePath('nvidia-smi', 'gpu-exporter-linux-h100-mig-590.48.01.txt') });
    await src.start();
    const gpu = src.read().gpus[0];
    expect(gpu?.mig_mode).toBe('Enabled');
    expect(gpu?.utilization_gpu_pct).toBeNull();
    expect(gpu?.mig_devices?.map((m) => [m.profile, m.memory_total_mib])).toEqual([
      ['3g.40gb', 40448],
      ['2g.20gb', 20096],
      ['1g.10gb', 9984],
      ['1g.10gb', 9984],
    ]);
    expect(src.read().processes).toHaveLength(3);
  });
});
