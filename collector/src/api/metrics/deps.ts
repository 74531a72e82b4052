/** What the metrics area of the API reads: series from the metrics store, fleet figures for /api/stats. */
import type { Interval, SeriesPoint } from '../../stores/metrics/reader.js';

export type { Interval, SeriesPoint };

declare module '../deps.js' {
  interface MetricsApiDeps {
    /** A GPU's series; minute resolution reads raw samples, the others read hourly rollups. */
    series(tenantId: string, gpuUuid: string, start: Date, end: Date, interval: Interval): Promise<SeriesPoint[]>;
    /** Fleet coverage over a window (uptime = hours_with_data ÷ hours_expected). */
    coverage(start: Date, end: Date): Promise<{ gpus: number; hours_with_data: number; hours_expected: number }>;
    /** GPUs with a sample since the instant, across tenants. */
    activeGpus(since: Date): Promise<number>;
    /** Number of customer accounts. */
    customers(): number;
    /** Revenue in dollars (zero until billing records payments). */
    revenue?(now: Date): { total: number; monthly: number };
    /** Potential savings in dollars per month across the fleet (zero until recommendations run). */
    savings?(): Promise<number>;
  }
}
