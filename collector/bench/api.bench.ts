// bench:api — authenticated GET /api/gpus (20 GPUs, JWT) served by the real app on
// @hono/node-server, against a bare Hono hello-world, each in its own child process, loaded by
// the same autocannon (50 connections) in this process. The two are measured in alternating
// rounds (BENCH_ROUNDS, BENCH_DURATION_S), so drift in the machine's speed hits both; prints each
// round, the median ratio and the worst p99, and last a key=value line.
// Targets: api ≥ 50 % of hello's req/s, api p99 ≤ 20 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

interface Ready { port: number; token?: string }

async function serveHello(): Promise<Ready> {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono();
  app.get('/', (c) => c.text('Hello Hono!'));
  return new Promise((res) => serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (i) => res({ port: i.port })));
}

/** Bare Hono answering a recorded /api/gpus response (same body, same headers): the ceiling for that payload. */
async function serveReplay(file: string): Promise<Ready> {
  const { readFileSync } = await import('node:fs');
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as { body: string; headers: Record<string, string> };
  const app = new Hono();
  app.get('/', (c) => c.body(recorded.body, 200, recorded.headers));
  return new Promise((res) => serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (i) => res({ port: i.port })));
}

async function serveApi(): Promise<Ready> {
  const { serve } = await import('@hono/node-server');
  const { createApi } = await import('../src/api/app.js');
  const { openAppStore } = await import('../src/stores/app/index.js');
  const { createTokenService } = await import('../src/domain/auth/tokens.js');
  const { createGpuPricing, createRecommendationCache } = await import('../src/api/recommendations/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'gpo-bench-api-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const clock = { now: () => new Date() };
  const store = openAppStore({ path: join(dir, 'app.db'), encryptionKey: randomBytes(32), clock });
  const user = store.users.create({ email: 'bench@example.com', name: 'Bench', passwordHash: 'x', plan: 'custom' });
  if (!user) throw new Error('could not create the bench user');
  const gpus = Array.from({ length: 20 }, (_, i) => ({
    uuid: `GPU-bench-${i}`, index: i % 8, name: 'NVIDIA A100-SXM4-40GB', serial: null, pci_bus_id: null, driver_version: '535.104.05',
    mig_mode: 'Disabled', utilization_gpu_pct: 50 + i, utilization_memory_pct: 40, memory_total_mib: 40960, memory_used_mib: 31000,
    temperature_c: 61, power_draw_w: 310.5, power_limit_w: 400, sm_clock_mhz: 1410, mem_clock_mhz: 1215, pstate: 'P0', fan_speed_pct: null,
    ecc_errors_uncorrected: 0, throttle_reasons: '0x0',
  }));
  const host = { id: 'h', hostname: 'gpu-07', os: 'Ubuntu 22.04', cpu_model: 'EPYC', cpu_cores: 96, memory_total_mib: 1048576 };
  // Priced from the bundled catalog on every page build, as in production.
  const cloud = { provider: 'aws', instance_id: 'i-0bench', instance_type: 'p4d.24xlarge', region: 'us-east-1', zone: 'us-east-1a', lifecycle: 'on_demand' } as const;
  store.gpus.recordReport({ tenantId: user.id, agentId: 'a', host, cloud, gpus, seenAt: new Date() });
  const secret = randomBytes(32).toString('hex');
  const noop = () => undefined;
  const app = createApi({
    config: { jwtSecret: secret, tokenTtlSeconds: 3600, corsOrigins: [], bodyLimitBytes: 1 << 20, version: 'bench' },
    store, clock, logger: { info: noop, warn: noop, error: noop },
    health: async () => ({ database: store.ping() }), adminMetrics: async () => ({}),
    pricing: createGpuPricing({ clock, cache: createRecommendationCache() }),
  });
  const tokens = createTokenService({ secret, ttlSeconds: 3600, issuer: 'gpuoptimizer', audience: 'gpuoptimizer-api', clock });
  const { token } = await tokens.issue(user.id, user.tokenVersion);
  return new Promise((res) => serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (i) => res({ port: i.port, token })));
}

type Mode = 'api' | 'hello' | 'replay';
const recordedFile = join(tmpdir(), `gpo-bench-api-recorded-${process.pid}.json`);

function startChild(mode: Mode): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--serve', mode, recordedFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) res({ child, ready: JSON.parse(line) as Ready });
    });
    child.on('exit', (code) => rej(new Error(`${mode} server exited with ${code}: ${out}`)));
  });
}

interface Figures { rps: number; p99: number; non2xx: number }

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Figures> {
  const { default: autocannon } = await import('autocannon');
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors + r.timeouts };
}

interface Target { child: ChildProcess; url: string; headers: Record<string, string> }

async function start(mode: Mode): Promise<Target> {
  const { child, ready } = await startChild(mode);
  const url = `http://127.0.0.1:${ready.port}${mode === 'api' ? '/api/gpus' : '/'}`;
  const headers: Record<string, string> = ready.token ? { authorization: `Bearer ${ready.token}` } : {};
  if (mode === 'api') {
    const probe = await fetch(url, { headers });
    const body = (await probe.json()) as { data?: { gpus?: unknown[] } };
    if (probe.status !== 200 || body.data?.gpus?.length !== 20) throw new Error(`api probe: ${probe.status} ${JSON.stringify(body).slice(0, 200)}`);
    const { writeFileSync } = await import('node:fs');
    const recordedHeaders: Record<string, string> = {};
    probe.headers.forEach((v, k) => {
      if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k)) recordedHeaders[k] = v;
    });
    writeFileSync(recordedFile, JSON.stringify({ body: JSON.stringify(body), headers: recordedHeaders }));
  }
  await load(url, headers, 2); // warm-up: JIT, caches
  return { child, url, headers };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  console.log(`bench:api — ${CONNECTIONS} connections; ${ROUNDS} rounds of hello-world then GET /api/gpus, ${DURATION_S} s each (after a 2 s warm-up), servers in child processes`);
  const hello = await start('hello');
  const api = await start('api');
  const rounds: { hello: Figures; api: Figures }[] = [];
  try {
    for (let i = 1; i <= ROUNDS; i++) {
      const h = await load(hello.url, hello.headers, DURATION_S);
      const a = await load(api.url, api.headers, DURATION_S);
      rounds.push({ hello: h, api: a });
      console.log(`round ${i}/${ROUNDS}: bare Hono hello-world ${Math.round(h.rps).toLocaleString()} req/s (p99 ${h.p99} ms), GET /api/gpus (20 GPUs, JWT) ${Math.round(a.rps).toLocaleString()} req/s (p99 ${a.p99} ms), ratio ${((a.rps / h.rps) * 100).toFixed(1)} %`);
    }
  } finally {
    hello.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
  }
  const replayTarget = await start('replay');
  const replay = await load(replayTarget.url, replayTarget.headers, DURATION_S).finally(() => replayTarget.child.kill('SIGTERM'));
  rmSync(recordedFile, { force: true });
  const helloRps = median(rounds.map((r) => r.hello.rps));
  const apiRps = median(rounds.map((r) => r.api.rps));
  const ratio = median(rounds.map((r) => r.api.rps / r.hello.rps));
  const apiP99 = Math.max(...rounds.map((r) => r.api.p99));
  const helloP99 = Math.max(...rounds.map((r) => r.hello.p99));
  const errors = rounds.reduce((n, r) => n + r.api.non2xx, 0);
  console.log(`bare Hono replaying the API's response (same body and headers, no work): ${Math.round(replay.rps).toLocaleString()} req/s, p99 ${replay.p99} ms`);
  console.log(`median ratio ${(ratio * 100).toFixed(1)} % (target ≥ 50 %); worst api p99 ${apiP99} ms (target ≤ 20 ms); non-2xx/errors ${errors}`);
  console.log(`api_rps=${Math.round(apiRps)} api_p99_ms=${apiP99} hello_rps=${Math.round(helloRps)} hello_p99_ms=${helloP99} ratio=${ratio.toFixed(3)} replay_rps=${Math.round(replay.rps)} api_errors=${errors}`);
}

const serveIdx = process.argv.indexOf('--serve');
if (serveIdx >= 0) {
  const mode = process.argv[serveIdx + 1];
  // Exit normally on a signal so --cpu-prof (when profiling a server by hand) gets written.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => process.exit(0));
  const ready = await (mode === 'api' ? serveApi() : mode === 'replay' ? serveReplay(process.argv[serveIdx + 2] as string) : serveHello());
  console.log(JSON.stringify(ready));
} else {
  await main();
}
