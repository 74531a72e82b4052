/**
 * Reads of the metrics store. Every query is bounded by tenant, GPU set and time window and
 * validated row by row; 30-day and longer reads come from the hourly rollups, never raw rows.
 */
import { z } from 'zod';
import type { HourlyUsage, UsageReader } from '../../ports.js';
import type { Querier } from './query.js';
import type { tableNames } from './schema.js';

/** Resolution of a metrics series. */
export type Interval = 'minute' | 'hour' | 'day' | 'week';

/** One point of GET /api/gpus/{id}/metrics. */
export interface SeriesPoint {
  ts: string;
  utilization_avg: number | null;
  utilization_p95: number | null;
  utilization_max: number | null;
  memory_used_avg_mib: number | null;
  memory_used_max_mib: number | null;
  power_avg_w: number | null;
  temperature_max_c: number | null;
  samples: number;
}

const num = z.number().nullable();
const pointRow = z.object({
  bucket: z.string(),
  utilization_avg: num,
  utilization_p95: num,
  utilization_max: num,
  memory_used_avg_mib: num,
  memory_used_max_mib: num,
  power_avg_w: num,
  temperature_max_c: num,
  samples: z.coerce.number(),
}).transform(({ bucket, ...rest }) => ({ ts: bucket, ...rest }));
const usageRow = z.object({
  hour_start: z.string(),
  samples: z.coerce.number(),
  utilization_avg: num,
  utilization_p95: num,
  utilization_max: num,
  memory_used_avg_mib: num,
  memory_used_max_mib: num,
  memory_total_mib: num,
  power_avg_w: num,
}).transform(({ hour_start, ...rest }) => ({ hour: hour_start, ...rest }));

const BUCKET: Record<Exclude<Interval, 'minute'>, string> = {
  hour: 'hour',
  day: 'toStartOfDay(hour)',
  week: 'toMonday(hour)',
};

// Rounded, and NaN (avg of nothing) turned into NULL.
const r = (expr: string) => `if(isNaN(toFloat64(${expr})) OR isNull(${expr}), NULL, round(toFloat64(${expr}), 2))`;
const iso = (expr: string) => `formatDateTime(${expr}, '%Y-%m-%dT%H:%i:%SZ', 'UTC')`;

/** Reads series and usage from the raw table and the rollups. */
export class MetricsReader implements UsageReader {
  constructor(
    private readonly q: Querier,
    private readonly db: string,
    private readonly tables: ReturnType<typeof tableNames>,
  ) {}

  /** A GPU's series at the given resolution: minute from raw samples, the rest from rollups. */
  async series(tenantId: string, gpuUuid: string, start: Date, end: Date, interval: Interval): Promise<SeriesPoint[]> {
    const params = { tenant: tenantId, gpu: gpuUuid, start: start.getTime() / 1000, end: end.getTime() / 1000 };
    if (interval === 'minute') {
      const sql = `SELECT ${iso('toStartOfMinute(ts)')} AS bucket,
  ${r('avg(utilization_gpu_pct)')} AS utilization_avg, ${r('quantile(0.95)(utilization_gpu_pct)')} AS utilization_p95,
  ${r('max(utilization_gpu_pct)')} AS utilization_max, ${r('avg(memory_used_mib)')} AS memory_used_avg_mib,
  ${r('max(memory_used_mib)')} AS memory_used_max_mib, ${r('avg(power_draw_w)')} AS power_avg_w,
  ${r('max(temperature_c)')} AS temperature_max_c, count() AS samples
FROM ${this.db}.${this.tables.rawRead}
WHERE tenant_id = {tenant:String} AND gpu_uuid = {gpu:String}
  AND ts >= toDateTime64({start:Float64}, 3) AND ts < toDateTime64({end:Float64}, 3)
GROUP BY toStartOfMinute(ts) ORDER BY toStartOfMinute(ts)`;
      return this.q.select(sql, params, pointRow);
    }
    const bucket = BUCKET[interval];
    const sql = `SELECT ${iso(`${bucket}`)} AS bucket,
  ${r('avgMerge(utilization_avg)')} AS utilization_avg, ${r('quantilesMerge(0.5, 0.95, 0.99)(utilization_q)[2]')} AS utilization_p95,
  ${r('max(utilization_max)')} AS utilization_max, ${r('avgMerge(memory_used_avg)')} AS memory_used_avg_mib,
  ${r('max(memory_used_max)')} AS memory_used_max_mib, ${r('avgMerge(power_avg)')} AS power_avg_w,
  ${r('max(temperature_max)')} AS temperature_max_c, sum(samples) AS samples
FROM ${this.db}.${this.tables.hourlyRead}
WHERE tenant_id = {tenant:String} AND gpu_uuid = {gpu:String}
  AND hour >= toStartOfHour(toDateTime({start:Float64})) AND hour < toDateTime({end:Float64})
GROUP BY ${bucket} ORDER BY ${bucket}`;
    return this.q.select(sql, params, pointRow);
  }

  /** Hourly usage of one GPU, for the recommendations engine. */
  async hourlyUsage(tenantId: string, gpuUuid: string, start: Date, end: Date): Promise<HourlyUsage[]> {
    const sql = `SELECT ${iso('hour')} AS hour_start, sum(samples) AS samples,
  ${r('avgMerge(utilization_avg)')} AS utilization_avg, ${r('quantilesMerge(0.5, 0.95, 0.99)(utilization_q)[2]')} AS utilization_p95,
  ${r('max(utilization_max)')} AS utilization_max, ${r('avgMerge(memory_used_avg)')} AS memory_used_avg_mib,
  ${r('max(memory_used_max)')} AS memory_used_max_mib, ${r('max(memory_total_max)')} AS memory_total_mib,
  ${r('avgMerge(power_avg)')} AS power_avg_w
FROM ${this.db}.${this.tables.hourlyRead}
WHERE tenant_id = {tenant:String} AND gpu_uuid = {gpu:String}
  AND hour >= toStartOfHour(toDateTime({start:Float64})) AND hour < toDateTime({end:Float64})
GROUP BY hour ORDER BY hour`;
    const params = { tenant: tenantId, gpu: gpuUuid, start: start.getTime() / 1000, end: end.getTime() / 1000 };
    return this.q.select(sql, params, usageRow);
  }

  /**
   * Fleet coverage over a window, from the rollups: GPUs that reported, and the share of their
   * expected GPU-hours (from each GPU's first hour in the window to the window's end) that hold data.
   */
  async coverage(start: Date, end: Date): Promise<{ gpus: number; hours_with_data: number; hours_expected: number }> {
    const sql = `SELECT count() AS gpus, sum(hours_with_data) AS hours_with_data, sum(hours_expected) AS hours_expected FROM (
  SELECT tenant_id, gpu_uuid, uniqExact(hour) AS hours_with_data,
    dateDiff('hour', min(hour), toStartOfHour(toDateTime({end:Float64}))) + 1 AS hours_expected
  FROM ${this.db}.${this.tables.hourlyRead}
  WHERE hour >= toStartOfHour(toDateTime({start:Float64})) AND hour <= toDateTime({end:Float64})
  GROUP BY tenant_id, gpu_uuid)`;
    const rows = await this.q.select(sql, { start: start.getTime() / 1000, end: end.getTime() / 1000 },
      z.object({ gpus: z.coerce.number(), hours_with_data: z.coerce.number(), hours_expected: z.coerce.number() }));
    return rows[0] ?? { gpus: 0, hours_with_data: 0, hours_expected: 0 };
  }

  /** GPUs (across tenants) with a sample since `since`. */
  async activeGpus(since: Date): Promise<number> {
    const rows = await this.q.select(
      `SELECT uniqExact(tenant_id, gpu_uuid) AS n FROM ${this.db}.${this.tables.hourlyRead} WHERE hour >= toStartOfHour(toDateTime({since:Float64}))`,
      { since: since.getTime() / 1000 }, z.object({ n: z.coerce.number() }));
    return rows[0]?.n ?? 0;
  }

  /** The most compute processes each GPU held in each 5-minute period (raw samples). */
  async processCounts(tenantId: string, gpuUuids: string[], start: Date, end: Date): Promise<Array<{ gpu_uuid: string; period_start: string; processes: number }>> {
    const sql = `SELECT gpu_uuid, ${iso('toStartOfFiveMinutes(ts)')} AS period_start, max(process_count) AS processes
FROM ${this.db}.${this.tables.rawRead}
WHERE tenant_id = {tenant:String} AND gpu_uuid IN {gpus:Array(String)}
  AND ts >= toDateTime64({start:Float64}, 3) AND ts < toDateTime64({end:Float64}, 3)
GROUP BY gpu_uuid, toStartOfFiveMinutes(ts) ORDER BY gpu_uuid, toStartOfFiveMinutes(ts)`;
    return this.q.select(sql, { tenant: tenantId, gpus: gpuUuids, start: start.getTime() / 1000, end: end.getTime() / 1000 },
      z.object({ gpu_uuid: z.string(), period_start: z.string(), processes: z.coerce.number() }));
  }

  /** Total raw rows stored (admin metrics). */
  async storedSamples(): Promise<number> {
    const rows = await this.q.select(`SELECT count() AS n FROM ${this.db}.${this.tables.rawRead}`, {}, z.object({ n: z.coerce.number() }));
    return rows[0]?.n ?? 0;
  }
}
