/** Test harness: a real app over a real SQLite store in a temp dir, an injected clock, tenants minted per test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { GpuSample, HostInfo } from '@gpuoptimizer/shared';
import { buildApi } from '../../src/api/app.js';
import type { ApiConfig, ApiDeps } from '../../src/api/deps.js';
import { hashPassword } from '../../src/domain/auth/password.js';
import { createTokenService } from '../../src/domain/auth/tokens.js';
import type { Plan, Role } from '../../src/domain/accounts/plans.js';
import type { ServiceHealth } from '../../src/ports.js';
import { openAppStore, type AppStore, type UserRecord } from '../../src/stores/app/index.js';

export const PASSWORD = 'Correct-horse-1';
export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
let passwordHash: Promise<string> | undefined;

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public t = new Date('2026-01-15T10:30:00.000Z')) {}
  now = () => new Date(this.t.getTime());
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** One app, its store and what it logged. */
export interface Harness {
  app: ReturnType<typeof buildApi>['app'];
  routes: ReturnType<typeof buildApi>['routes'];
  store: AppStore;
  clock: TestClock;
  logs: string[];
  health: Record<string, ServiceHealth>;
  close(): void;
}

/** Builds a harness; `config` and `deps` override the defaults. */
export function makeHarness(opts: { config?: Partial<ApiConfig>; deps?: Partial<ApiDeps> } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'gpo-api-'));
  const clock = new TestClock();
  const store = openAppStore({ path: join(dir, 'app.db'), encryptionKey: randomBytes(32), clock });
  const logs: string[] = [];
  const log = (obj: object, msg?: string) => void logs.push(JSON.stringify({ ...obj, msg }, (_k, v: unknown) => (v instanceof Error ? v.stack : v)));
  const health: Record<string, ServiceHealth> = { database: { status: 'healthy', latency_ms: 0.1 } };
  const deps: ApiDeps = {
    config: {
      jwtSecret: JWT_SECRET, tokenTtlSeconds: 3600, corsOrigins: ['https://app.gpuoptimizer.ai'], bodyLimitBytes: 1024 * 1024,
      version: '9.9.9', anonymousRequestsPerHour: 100_000, ...opts.config,
    },
    store, clock, logger: { info: log, warn: log, error: log },
    health: async () => ({ ...health }),
    adminMetrics: async () => ({ ingest: { batches_per_s: 1.5 }, stored_samples: 42 }),
    ...opts.deps,
  };
  const { app, routes } = buildApi(deps);
  return {
    app, routes, store, clock, logs, health,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh tenant with a valid session token. */
export interface Tenant {
  user: UserRecord;
  token: string;
  auth: Record<string, string>;
}

/** Creates a user straight in the store (no scrypt per test) and signs a token for them. */
export async function mintTenant(h: Harness, opts: { role?: Role; plan?: Plan; email?: string; ttlSeconds?: number } = {}): Promise<Tenant> {
  passwordHash ??= hashPassword(PASSWORD);
  const user = h.store.users.create({
    email: opts.email ?? `t-${randomBytes(6).toString('hex')}@example.com`, name: 'Test Tenant',
    passwordHash: await passwordHash, role: opts.role ?? 'user', plan: opts.plan ?? 'free',
  });
  if (!user) throw new Error('mintTenant: email taken');
  const tokens = createTokenService({ secret: JWT_SECRET, ttlSeconds: opts.ttlSeconds ?? 3600, issuer: 'gpuoptimizer', audience: 'gpuoptimizer-api', clock: h.clock });
  const { token } = await tokens.issue(user.id, user.tokenVersion);
  return { user, token, auth: { authorization: `Bearer ${token}` } };
}

/** A parsed response. */
export interface Res {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Sends a request in-process; `body` is JSON-encoded unless it is already a string. */
export async function call(
  h: Harness, method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Res> {
  const init: RequestInit = { method, headers: { ...opts.headers } };
  if (opts.body !== undefined) {
    init.body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await h.app.request(path, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (the docs page)
  }
  return { status: res.status, headers: res.headers, body };
}

/** A GPU sample with sensible values. */
export function gpuSample(uuid: string, over: Partial<GpuSample> = {}): GpuSample {
  return {
    uuid, index: 0, name: 'NVIDIA A100-SXM4-40GB', serial: null, pci_bus_id: '00000000:10:1C.0', driver_version: '535.104.05',
    mig_mode: 'Disabled', utilization_gpu_pct: 85, utilization_memory_pct: 40, memory_total_mib: 40960, memory_used_mib: 31000,
    temperature_c: 61, power_draw_w: 310.5, power_limit_w: 400, sm_clock_mhz: 1410, mem_clock_mhz: 1215, pstate: 'P0',
    fan_speed_pct: null, ecc_errors_uncorrected: 0, throttle_reasons: '0x0000000000000000', ...over,
  };
}

/** A host with sensible values. */
export function hostInfo(id = 'host-1'): HostInfo {
  return { id, hostname: 'gpu-07', os: 'Ubuntu 22.04', cpu_model: 'AMD EPYC', cpu_cores: 96, memory_total_mib: 1048576 };
}

/** Reports GPUs for a tenant as ingest would. */
export function report(h: Harness, tenantId: string, gpus: GpuSample[], seenAt = h.clock.now(), hostId = 'host-1'): void {
  h.store.gpus.recordReport({
    tenantId, agentId: 'agent-1', host: hostInfo(hostId), gpus, seenAt,
    cloud: { provider: 'aws', instance_id: 'i-1', instance_type: 'p4d.24xlarge', region: 'us-east-1', zone: 'us-east-1a', lifecycle: 'on_demand' },
    processes: gpus.map((g) => ({ gpu_uuid: g.uuid, pid: 4242, name: 'python', used_memory_mib: 30500 })),
  });
}

/** Asserts the API-SPEC error envelope shape and returns the code. */
export function errorCode(res: Res): string {
  const b = res.body as { success?: unknown; error?: { code?: unknown; message?: unknown }; timestamp?: unknown };
  if (b?.success !== false || typeof b.error?.code !== 'string' || typeof b.error.message !== 'string' || typeof b.timestamp !== 'string') {
    throw new Error(`not an error envelope (${res.status}): ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  return b.error.code;
}
