/**
 * GET /api/health: API-SPEC's body `{status, timestamp, version, services}` in `data`, with each
 * service's real state. `services` maps a name to its status word as API-SPEC shows; `checks`
 * carries latency and error. Healthy or degraded is 200; unhealthy is 503 UNAVAILABLE with the
 * same body in `error.details`, so load balancers and people read it alike.
 */
import { z } from 'zod';
import type { ServiceHealth } from '../../ports.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ok } from '../respond.js';
import type { ApiRouter } from '../route_table.js';

const STATUS = ['healthy', 'degraded', 'unhealthy'] as const;
const response = z.object({
  status: z.enum(STATUS),
  timestamp: z.string(),
  version: z.string(),
  services: z.record(z.string(), z.enum(STATUS)),
  checks: z.record(z.string(), z.object({ status: z.enum(STATUS), latency_ms: z.number().nullable(), error: z.string().optional() })),
});

/** Overall status: unhealthy if any service is, degraded if any is, else healthy. */
export function overallStatus(checks: Record<string, ServiceHealth>): (typeof STATUS)[number] {
  const states = Object.values(checks).map((s) => s.status);
  if (states.includes('unhealthy')) return 'unhealthy';
  return states.includes('degraded') ? 'degraded' : 'healthy';
}

/** Registers GET /api/health. */
export function registerHealthRoutes(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    { method: 'get', path: '/api/health', operationId: 'health', summary: 'Health check', tag: 'health', auth: 'public', response, errors: ['UNAVAILABLE'] },
    async (c) => {
      let checks: Record<string, ServiceHealth>;
      try {
        checks = await deps.health();
      } catch (err) {
        checks = { collector: { status: 'unhealthy', latency_ms: null, error: (err as Error).message } };
      }
      const services = Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v.status]));
      const status = overallStatus(checks);
      const body = { status, timestamp: deps.clock.now().toISOString(), version: deps.config.version, services, checks };
      if (status === 'unhealthy') throw new ApiError('UNAVAILABLE', 'Service unhealthy', body);
      return ok(c, deps.clock, body, `Service ${status}`);
    },
  );
}
