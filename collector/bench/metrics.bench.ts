// bench:metrics — 64 GPUs × 30 days at a 10 s interval (~16.6 million GPU samples) into embedded
// chDB through the store's write path (group commit, rollup view); then bytes on disk per sample,
// and p50/p95 latency of a 30-day hourly and a 2-day minute /metrics call through the REST API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WireSample } from '@gpuoptimizer/shared';
import { openMetricsStore } from '../src/stores/metrics/index.js';
import { openAppStore, resolveEncryptionKey } from '../src/stores/app/index.js';
import { hashPassword } from '../src/domain/auth/password.js';
import { api, freePort, startNode, stopProcess } from '../../test/support/processes.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HOSTS = 8;
const GPUS_PER_HOST = 8;
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const STEP_MS = 10_000;
const CHUNK = 2160; // host samples per batch: 6 hours at 10 s
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const PASSWORD = 'bench-password-123456';

type Profile = 'training' | 'idle' | 'inference' | 'batch';
const PROFILES: Profile[] = ['training', 'idle', 'inference', 'batch'];

/** Integer readings shaped like nvidia-smi's (util %, MiB, °C integers; watts with 2 decimals). */
function reading(profile: Profile, t: number, rnd: () => number) {
  const hour = new Date(t).getUTCHours();
  const on = profile === 'training' || (profile === 'batch' && Math.floor(t / 5_400_000) % 3 !== 0)
    || (profile === 'inference' && rnd() < 0.9);
  const util = profile === 'idle' ? 0 : profile === 'inference' ? Math.round(30 + 20 * Math.sin((hour / 24) * 2 * Math.PI) + rnd() * 10) : on ? 95 + Math.floor(rnd() * 6) : 0;
  const mem = profile === 'idle' ? 0 : on ? 30_000 + Math.floor(t / 86_400_000) % 7 * 512 : 2;
  return { util, mem, temp: 35 + Math.round(util / 3), power: Math.round((60 + util * 3.4 + rnd() * 5) * 100) / 100 };
}

function batch(host: number, fromMs: number, rnd: () => number): WireSample[] {
  const out: WireSample[] = [];
  for (let k = 0; k < CHUNK; k++) {
    const t = fromMs + k * STEP_MS;
    out.push({
      ts_unix_ms: t, agent: { id: `agent-${host}`, version: 'bench' },
      host: { id: `host-${host}`, hostname: `gpu-${host}`, os: 'Ubuntu 22.04', cpu_model: 'EPYC', cpu_cores: 96, memory_total_mib: 1_048_576 },
      cloud: null, processes: [],
      gpus: Array.from({ length: GPUS_PER_HOST }, (_, i) => {
        const r = reading(PROFILES[(host + i) % PROFILES.length] as Profile, t, rnd);
        return {
          uuid: `GPU-bench-${host}-${i}`, index: i, name: 'NVIDIA A100-SXM4-80GB', serial: null, pci_bus_id: null, driver_version: '535.104.05', mig_mode: 'Disabled',
          utilization_gpu_pct: r.util, utilization_memory_pct: Math.round(r.util / 2), memory_total_mib: 81920, memory_used_mib: r.mem,
          temperature_c: r.temp, power_draw_w: r.power, power_limit_w: 400, sm_clock_mhz: r.util ? 1410 : 210, mem_clock_mhz: 1593,
          pstate: r.util ? 'P0' : 'P8', fan_speed_pct: null, ecc_errors_uncorrected: 0, throttle_reasons: null,
        };
      }),
    });
  }
  return out;
}

function quantile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
}

const dir = mkdtempSync(join(tmpdir(), 'gpuopt-bench-metrics-'));
const dataDir = join(dir, 'data');
const end = Date.UTC(2026, 11, 1);
const start = end - DAYS * 86_400_000;
const total = HOSTS * GPUS_PER_HOST * (DAYS * 86_400_000 / STEP_MS);
console.log(`bench:metrics — ${HOSTS * GPUS_PER_HOST} GPUs × ${DAYS} days at 10 s = ${total.toLocaleString()} GPU samples into embedded chDB (${dir})`);
try {
  const { store, reader } = await openMetricsStore({ dataDir, database: 'gpuoptimizer', rawTtlDays: 3650, rollupTtlDays: 3650 });
  const app = openAppStore({ path: join(dataDir, 'app.db'), encryptionKey: resolveEncryptionKey({ envValue: undefined, keyFile: join(dataDir, 'encryption.key') }) });
  // Custom plan: the free plan's 100 requests/hour would rate-limit the latency runs.
  const user = app.users.create({ email: 'bench@example.com', name: 'Bench', passwordHash: await hashPassword(PASSWORD), plan: 'custom' });
  if (!user) throw new Error('could not create the bench user');
  let seed = 42;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  let rows = 0;
  const t0 = performance.now();
  let seq = 0;
  for (let from = start; from < end; from += CHUNK * STEP_MS) {
    for (let h = 0; h < HOSTS; h++) {
      const samples = batch(h, from, rnd);
      rows += (await store.writeBatch(user.id, `agent-${h}`, ++seq, samples)).rows;
      if (from === start) app.gpus.recordReport({ tenantId: user.id, agentId: `agent-${h}`, host: samples[0]!.host, cloud: null, gpus: samples.at(-1)!.gpus, seenAt: new Date(end) });
    }
    const pct = ((from - start) / (end - start)) * 100;
    if (seq % (HOSTS * 20) === 0) console.log(`  ${pct.toFixed(0)}%  ${rows.toLocaleString()} rows  ${Math.round(rows / ((performance.now() - t0) / 1000)).toLocaleString()} rows/s`);
  }
  const insertSeconds = (performance.now() - t0) / 1000;
  const insertRate = rows / insertSeconds;
  console.log(`inserted ${rows.toLocaleString()} GPU samples in ${insertSeconds.toFixed(1)} s → ${Math.round(insertRate).toLocaleString()} samples/s; merging parts…`);
  await store.querier.command('OPTIMIZE TABLE gpuoptimizer.gpu_samples FINAL');
  await store.querier.command('OPTIMIZE TABLE gpuoptimizer.gpu_metrics_hourly FINAL');
  const { z } = await import('zod');
  const parts = await store.querier.select(
    `SELECT table, sum(bytes_on_disk) AS bytes, sum(rows) AS rows FROM system.parts WHERE database = 'gpuoptimizer' AND active GROUP BY table`, {},
    z.object({ table: z.string(), bytes: z.coerce.number(), rows: z.coerce.number() }));
  const rawBytes = parts.find((p) => p.table === 'gpu_samples')?.bytes ?? 0;
  const rollupBytes = parts.find((p) => p.table === 'gpu_metrics_hourly')?.bytes ?? 0;
  console.log(`on disk: raw ${(rawBytes / 1e6).toFixed(1)} MB (${(rawBytes / rows).toFixed(2)} B/sample), hourly rollups ${(rollupBytes / 1e6).toFixed(1)} MB`);
  void reader;
  await store.close();
  app.close();

  const [port, grpcPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const collector = startNode(join(ROOT, 'collector/bin/gpuoptimizer-collector.js'), ['serve'], {
    HOST: '127.0.0.1', PORT: String(port), GRPC_PORT: String(grpcPort), DATA_DIR: dataDir, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn', METRICS_RAW_TTL_DAYS: '3650', METRICS_ROLLUP_TTL_DAYS: '3650',
  });
  try {
    await collector.waitForOutput(/REST http:/, 120_000);
    const token = (await api(base, '/api/auth/login', { method: 'POST', body: { email: 'bench@example.com', password: PASSWORD } })).json.data.token as string;
    const gpus = (await api(base, '/api/gpus?per_page=100', { token })).json.data.gpus as Array<{ id: string }>;
    const time = async (path: string) => {
      const lat: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const gpu = gpus[i % gpus.length]!;
        const t = performance.now();
        const r = await api(base, path.replace(':id', gpu.id), { token });
        lat.push(performance.now() - t);
        if (r.status !== 200 || r.json.data.points.length === 0) throw new Error(`unexpected answer ${r.status} for ${path}`);
      }
      return { p50: quantile(lat, 0.5), p95: quantile(lat, 0.95) };
    };
    const iso = (ms: number) => new Date(ms).toISOString();
    const hourly = await time(`/api/gpus/:id/metrics?interval=hour&start_date=${iso(start)}&end_date=${iso(end)}`);
    const minute = await time(`/api/gpus/:id/metrics?interval=minute&start_date=${iso(end - 2 * 86_400_000)}&end_date=${iso(end)}`);
    console.log(`30-day hourly /metrics: p50 ${hourly.p50.toFixed(1)} ms, p95 ${hourly.p95.toFixed(1)} ms; 2-day minute /metrics: p50 ${minute.p50.toFixed(1)} ms, p95 ${minute.p95.toFixed(1)} ms (${REQUESTS} calls each)`);
    console.log('targets: p95 ≤ 100 ms for both; ≤ 20 bytes on disk per GPU sample (Prometheus TSDB ≈ 1.3 B/value × ~15 values ≈ 20 B).');
    console.log(`insert_samples_per_s=${Math.round(insertRate)} bytes_per_sample=${(rawBytes / rows).toFixed(2)} rollup_bytes_per_sample=${(rollupBytes / rows).toFixed(3)} hourly_30d_p50_ms=${hourly.p50.toFixed(1)} hourly_30d_p95_ms=${hourly.p95.toFixed(1)} minute_2d_p50_ms=${minute.p50.toFixed(1)} minute_2d_p95_ms=${minute.p95.toFixed(1)}`);
  } finally {
    await stopProcess(collector);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
