import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { getRequestListener } from '@hono/node-server';
getRequestListener(() => new Response('x'));
import { createApi } from '/work/main/collector/src/api/app.ts';
import { openAppStore } from '/work/main/collector/src/stores/app/index.ts';
import { createTokenService } from '/work/main/collector/src/domain/auth/tokens.ts';
const dir = mkdtempSync(join(tmpdir(), 'gpo-inproc-'));
const clock = { now: () => new Date() };
const store = openAppStore({ path: join(dir, 'app.db'), encryptionKey: randomBytes(32), clock });
const user = store.users.create({ email: 'bench@example.com', name: 'Bench', passwordHash: 'x', plan: 'custom' })!;
const gpus = Array.from({ length: 20 }, (_, i) => ({ uuid: `GPU-bench-${i}`, index: i % 8, name: 'NVIDIA A100-SXM4-40GB', serial: null, pci_bus_id: null, driver_version: '535.104.05', mig_mode: 'Disabled', utilization_gpu_pct: 50 + i, utilization_memory_pct: 40, memory_total_mib: 40960, memory_used_mib: 31000, temperature_c: 61, power_draw_w: 310.5, power_limit_w: 400, sm_clock_mhz: 1410, mem_clock_mhz: 1215, pstate: 'P0', fan_speed_pct: null, ecc_errors_uncorrected: 0, throttle_reasons: '0x0' }));
store.gpus.recordReport({ tenantId: user.id, agentId: 'a', host: { id: 'h', hostname: 'gpu-07', os: 'U', cpu_model: 'E', cpu_cores: 96, memory_total_mib: 1 }, cloud: null, gpus, seenAt: new Date() } as never);
const secret = randomBytes(32).toString('hex');
const noop = () => undefined;
const app = createApi({ config: { jwtSecret: secret, tokenTtlSeconds: 3600, corsOrigins: [], bodyLimitBytes: 1 << 20, version: 'b' }, store, clock, logger: { info: noop, warn: noop, error: noop }, health: async () => ({ database: store.ping() }), adminMetrics: async () => ({}) } as never);
const tokens = createTokenService({ secret, ttlSeconds: 3600, issuer: 'gpuoptimizer', audience: 'gpuoptimizer-api', clock });
const { token } = await tokens.issue(user.id, user.tokenVersion);
const hello = new Hono(); hello.get('/', (c) => c.text('Hello Hono!'));
const req = new Request('http://x/api/gpus', { headers: { authorization: `Bearer ${token}` } });
const hreq = new Request('http://x/');
async function run(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 50000; i++) await f();
  const n = 400000; const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  console.log(name, (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(2), 'µs/req');
}
await run('hello', () => hello.fetch(hreq) as Promise<Response>);
await run('api', () => app.fetch(req) as Promise<Response>);
const r = await app.fetch(req); console.log(r.status, (await r.text()).length);
// breakdown
await run('token verify', () => tokens.verify(token));
await run('users.byId', async () => store.users.byId(user.id));
await run('gpus.revision', async () => store.gpus.revision(user.id));
