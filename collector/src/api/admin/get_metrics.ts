/**
 * GET /api/admin/metrics: what the composition root reports (ingest rate, stored samples, store
 * health and latency, queue depths), service health, this process's CPU and memory, and the
 * API's request and error rates.
 */
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ok } from '../respond.js';
import type { ApiRouter } from '../route_table.js';
import type { ApiServices } from '../services.js';

const response = z.object({
  process: z.record(z.string(), z.number()),
  api: z.record(z.string(), z.number()),
  services: z.record(z.string(), z.unknown()),
  system: z.record(z.string(), z.unknown()),
});

function processFigures() {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    uptime_s: Math.round(process.uptime()),
    cpu_user_s: cpu.user / 1e6,
    cpu_system_s: cpu.system / 1e6,
    rss_mib: Math.round((mem.rss / 1048576) * 10) / 10,
    heap_used_mib: Math.round((mem.heapUsed / 1048576) * 10) / 10,
  };
}

/** Registers GET /api/admin/metrics. */
export function registerGetMetrics(router: ApiRouter, deps: ApiDeps, svc: ApiServices): void {
  router.add(
    { method: 'get', path: '/api/admin/metrics', operationId: 'adminGetMetrics', summary: 'System metrics', tag: 'admin', auth: 'admin', response },
    async (c) => {
      const [system, services] = await Promise.all([
        deps.adminMetrics().catch((err: unknown) => ({ error: (err as Error).message })),
        deps.health().catch((err: unknown) => ({ error: (err as Error).message })),
      ]);
      const data = { process: processFigures(), api: { ...svc.stats.snapshot() }, services, system };
      return ok(c, deps.clock, data, 'System metrics');
    },
  );
}
