// bench:ingest — simulated agents in separate processes stream over loopback gRPC into the real
// collector (embedded chDB). Reports the maximum sustained acked samples/s (one sample = one GPU
// at one instant) and p50/p99 ack latency at a steady 20,000 samples/s.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, freePort, startNode, stopProcess } from '../../test/support/processes.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const AGENTS = Number(process.env.BENCH_AGENTS ?? 4);
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 20);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 20);
const STEADY_RATE = 20_000;

interface AgentResult { acked_samples: number; seconds: number; p50: number; p99: number; batches: number }

function runAgents(addr: string, key: string, ratePerAgent: number, seconds: number, samplesPerBatch: number, window: number, tag: string): Promise<AgentResult[]> {
  return Promise.all(Array.from({ length: AGENTS }, (_, i) => new Promise<AgentResult>((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'collector/bench/sim_agent.ts'), addr, key, `${tag}${i}`, String(ratePerAgent), String(seconds), String(samplesPerBatch), String(window)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => { try { res(JSON.parse(out.trim().split('\n').pop() ?? '')); } catch { rej(new Error(`sim agent ${i} printed: ${out}`)); } });
  })));
}

const dir = mkdtempSync(join(tmpdir(), 'gpuopt-bench-ingest-'));
const [port, grpcPort] = [await freePort(), await freePort()];
const keyFile = join(dir, 'key');
console.log(`bench:ingest — collector on embedded chDB in ${dir}, ${AGENTS} simulated agents (8 GPUs each) in separate processes`);
const collector = startNode(join(ROOT, 'collector/bin/gpuoptimizer-collector.js'), ['serve', '--local-agent-key-file', keyFile], {
  HOST: '127.0.0.1', PORT: String(port), GRPC_PORT: String(grpcPort), DATA_DIR: join(dir, 'data'), ADMIN_PASSWORD: 'bench-password-123456', LOG_LEVEL: 'warn',
});
try {
  await collector.waitForOutput(/REST http:/, 120_000);
  const key = readFileSync(keyFile, 'utf8').trim();
  const addr = `127.0.0.1:${grpcPort}`;

  console.log(`phase 1: maximum sustained rate, ${MAX_SECONDS} s, unthrottled (batches of 125 host samples = 1,000 GPU samples, 8 in flight per agent)…`);
  const max = await runAgents(addr, key, 0, MAX_SECONDS, 125, 8, 'max');
  const maxRate = max.reduce((a, r) => a + r.acked_samples / r.seconds, 0);
  console.log(`  acked ${max.reduce((a, r) => a + r.acked_samples, 0).toLocaleString()} samples → ${Math.round(maxRate).toLocaleString()} samples/s`);

  console.log(`phase 2: steady ${STEADY_RATE.toLocaleString()} samples/s for ${STEADY_SECONDS} s (batches of 25 host samples = 200 GPU samples)…`);
  const steady = await runAgents(addr, key, STEADY_RATE / AGENTS, STEADY_SECONDS, 25, 64, 'steady');
  const steadyRate = steady.reduce((a, r) => a + r.acked_samples / r.seconds, 0);
  const p50 = Math.max(...steady.map((r) => r.p50));
  const p99 = Math.max(...steady.map((r) => r.p99));
  console.log(`  achieved ${Math.round(steadyRate).toLocaleString()} samples/s; ack latency p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (worst agent)`);
  // Every acked sample must really be stored: ask the collector what its store holds.
  const base = `http://127.0.0.1:${port}`;
  const token = (await api(base, '/api/auth/login', { method: 'POST', body: { email: 'admin@gpuoptimizer.local', password: 'bench-password-123456' } })).json.data.token as string;
  const stored = (await api(base, '/api/admin/metrics', { token })).json.data.system.metrics_store.stored_samples as number;
  const acked = [...max, ...steady].reduce((a, r) => a + r.acked_samples, 0);
  console.log(`check: ${acked.toLocaleString()} samples acked, ${stored.toLocaleString()} stored${stored >= acked ? '' : '  ← FEWER STORED THAN ACKED'}`);
  if (stored < acked) process.exitCode = 1;
  console.log('targets: ≥ 100,000 samples/s sustained; p99 ack ≤ 250 ms at 20,000/s. Anchor: chDB alone inserts ~400,000–500,000 JSON rows/s here.');
  console.log(`samples_per_s=${Math.round(maxRate)} steady_samples_per_s=${Math.round(steadyRate)} p50_ack_ms=${p50.toFixed(1)} p99_ack_ms=${p99.toFixed(1)}`);
} finally {
  await stopProcess(collector);
  rmSync(dir, { recursive: true, force: true });
}
