/** A harness for the recommendations area: the real app and SQLite store, plus a fake usage reader fed synthetic traces. */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudInfo, GpuSample } from '@gpuoptimizer/shared';
import { buildApi } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { createGpuPricing, createRecommendationCache, registerRecommendationRoutes } from '../../src/api/recommendations/index.js';
import type { GpuUsage } from '../../src/domain/recommendations/index.js';
import type { HourlyUsage, UsageReader } from '../../src/ports.js';
import { openAppStore } from '../../src/stores/app/index.js';
import { JWT_SECRET, TestClock, hostInfo, type Harness } from './harness.js';

/** One usage read the fake saw. */
export interface UsageCall {
  tenantId: string;
  gpuUuid: string;
  start: string;
  end: string;
}

/** A usage reader over in-memory traces, keyed by tenant and GPU uuid; records every call. */
export function fakeUsage(): UsageReader & { calls: UsageCall[]; set(tenantId: string, usage: GpuUsage[]): void; fail: boolean } {
  const data = new Map<string, HourlyUsage[]>();
  const fake = {
    calls: [] as UsageCall[],
    fail: false,
    set(tenantId: string, usage: GpuUsage[]) {
      for (const u of usage) data.set(`${tenantId}|${u.gpu_uuid}`, u.hourly);
    },
    async hourlyUsage(tenantId: string, gpuUuid: string, start: Date, end: Date) {
      fake.calls.push({ tenantId, gpuUuid, start: start.toISOString(), end: end.toISOString() });
      if (fake.fail) throw new Error('connection refused');
      return (data.get(`${tenantId}|${gpuUuid}`) ?? []).filter((r) => r.hour >= start.toISOString() && r.hour < end.toISOString());
    },
  };
  return fake;
}

/** Builds the app with the recommendations area; `wired: false` leaves it without a usage reader. */
export function makeRecommendationHarness(opts: { wired?: boolean } = {}): Harness & { usage: ReturnType<typeof fakeUsage> } {
  const dir = mkdtempSync(join(tmpdir(), 'gpo-rec-'));
  const clock = new TestClock(new Date('2026-01-19T00:30:00.000Z'));
  const store = openAppStore({ path: join(dir, 'app.db'), encryptionKey: randomBytes(32), clock });
  const logs: string[] = [];
  const log = (obj: object, msg?: string) => void logs.push(JSON.stringify({ ...obj, msg }));
  const usage = fakeUsage();
  const cache = createRecommendationCache();
  const deps: ApiDeps = {
    config: { jwtSecret: JWT_SECRET, tokenTtlSeconds: 3600, corsOrigins: [], bodyLimitBytes: 1 << 20, version: '9.9.9', anonymousRequestsPerHour: 100_000 },
    store, clock, logger: { info: log, warn: log, error: log },
    health: async () => ({}),
    adminMetrics: async () => ({}),
    pricing: createGpuPricing({ clock, cache }),
    ...(opts.wired === false ? {} : { recommendations: { usage, cache } }),
  };
  const { app, routes } = buildApi(deps, { areas: [registerRecommendationRoutes] });
  return {
    app, routes, store, clock, logs, health: {}, usage,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reports a host's GPUs with the given cloud facts, as ingest would. */
export function reportHost(h: Harness, tenantId: string, hostId: string, cloud: Omit<CloudInfo, 'instance_id' | 'zone'>, gpus: GpuSample[]): void {
  h.store.gpus.recordReport({
    tenantId, agentId: `agent-${hostId}`, host: hostInfo(hostId), gpus, seenAt: h.clock.now(),
    cloud: { ...cloud, instance_id: `i-${hostId}`, zone: `${cloud.region}a` },
  });
}
