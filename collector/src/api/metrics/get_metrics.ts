/** GET /api/gpus/{gpu_id}/metrics — a GPU's utilisation, memory, power and temperature over time. */
import { z } from 'zod';
import { ApiError } from '../errors.js';
import type { ApiDeps } from '../deps.js';
import { ok } from '../respond.js';
import { principalOf, type ApiRouter } from '../route_table.js';
import type { Interval } from './deps.js';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 400;
const MAX_MINUTE_RANGE_DAYS = 2;

// A date (2024-01-31) or an ISO 8601 instant; a bare end date means the whole of that day.
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseDate(value: string | undefined, field: string, endOfDay: boolean): Date | undefined {
  if (value === undefined) return undefined;
  if (!DATE.test(value) && !INSTANT.test(value)) throw new ApiError('INVALID_REQUEST', 'The request is invalid', `query.${field}: expected a date (2024-01-31) or an ISO 8601 time`);
  const ms = Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new ApiError('INVALID_REQUEST', 'The request is invalid', `query.${field}: not a real date`);
  return new Date(DATE.test(value) && endOfDay ? ms + DAY_MS : ms);
}

const query = z.object({
  start_date: z.string().optional(),
  end_date: z.string().optional(),
  interval: z.enum(['minute', 'hour', 'day', 'week']).default('hour'),
});
const params = z.object({ gpu_id: z.string().min(1).max(64) });
const point = z.object({
  ts: z.string(), utilization_avg: z.number().nullable(), utilization_p95: z.number().nullable(), utilization_max: z.number().nullable(),
  memory_used_avg_mib: z.number().nullable(), memory_used_max_mib: z.number().nullable(), power_avg_w: z.number().nullable(),
  temperature_max_c: z.number().nullable(), samples: z.number(),
});
const response = z.object({ gpu_id: z.string(), interval: z.string(), start_date: z.string(), end_date: z.string(), points: z.array(point) });

/** Resolves and checks the window: defaults to the last 24 hours. */
export function resolveWindow(q: z.infer<typeof query>, now: Date): { start: Date; end: Date; interval: Interval } {
  const end = parseDate(q.end_date, 'end_date', true) ?? now;
  const start = parseDate(q.start_date, 'start_date', false) ?? new Date(end.getTime() - DAY_MS);
  if (end.getTime() <= start.getTime()) throw new ApiError('INVALID_REQUEST', 'The request is invalid', 'query.end_date: must be after start_date');
  const days = (end.getTime() - start.getTime()) / DAY_MS;
  if (days > MAX_RANGE_DAYS) throw new ApiError('INVALID_REQUEST', 'The request is invalid', `query.start_date: the range may span at most ${MAX_RANGE_DAYS} days`);
  if (q.interval === 'minute' && days > MAX_MINUTE_RANGE_DAYS) {
    throw new ApiError('INVALID_REQUEST', 'The request is invalid', `query.interval: minute resolution covers at most ${MAX_MINUTE_RANGE_DAYS} days; use hour, day or week`);
  }
  return { start, end, interval: q.interval };
}

/** Registers GET /api/gpus/{gpu_id}/metrics. */
export function registerGetMetrics(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    { method: 'get', path: '/api/gpus/:gpu_id/metrics', operationId: 'getGpuMetrics', summary: 'Get GPU metrics', tag: 'GPUs', auth: 'user', query, params, response, errors: ['NOT_FOUND'] },
    async (c, input) => {
      const tenantId = principalOf(c).user.id;
      const { start, end, interval } = resolveWindow(input.query, deps.clock.now());
      const gpu = deps.store.gpus.byId(tenantId, input.params.gpu_id);
      if (!gpu) throw new ApiError('NOT_FOUND', 'Not found', `GPU ${input.params.gpu_id} does not exist`);
      const metrics = deps.metrics;
      if (!metrics) throw new ApiError('UNAVAILABLE', 'Metrics are not available', 'the metrics store is not configured');
      const points = gpu.uuid ? await metrics.series(tenantId, gpu.uuid, start, end, interval) : [];
      return ok(c, deps.clock, { gpu_id: gpu.id, interval, start_date: start.toISOString(), end_date: end.toISOString(), points }, 'GPU metrics retrieved');
    },
  );
}
