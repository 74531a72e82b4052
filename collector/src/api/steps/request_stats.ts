/** Counts requests and errors for /api/admin/metrics: totals since start and the last minute's rates. */
import type { Clock } from '../../ports.js';

/** A snapshot of the counters. */
export interface RequestStatsSnapshot {
  requests_total: number;
  client_errors_total: number;
  server_errors_total: number;
  requests_per_s_1m: number;
  errors_per_s_1m: number;
  error_rate_1m: number;
}

/** Request counters, fed by the request pipeline as each answer leaves. */
export interface RequestStats {
  /** Counts one answered request by its status. */
  count(status: number): void;
  snapshot(): RequestStatsSnapshot;
}

/** Builds request counters with 60 one-second buckets for the rates. */
export function createRequestStats(clock: Clock): RequestStats {
  const totals = { requests: 0, client: 0, server: 0 };
  const reqBuckets = new Array<number>(60).fill(0);
  const errBuckets = new Array<number>(60).fill(0);
  let bucketSecond = Math.floor(clock.now().getTime() / 1000);

  function advance(): number {
    const s = Math.floor(clock.now().getTime() / 1000);
    for (let t = bucketSecond + 1; t <= s && t <= bucketSecond + 60; t++) {
      reqBuckets[t % 60] = 0;
      errBuckets[t % 60] = 0;
    }
    bucketSecond = Math.max(bucketSecond, s);
    return s % 60;
  }

  function count(status: number): void {
    const i = advance();
    totals.requests += 1;
    reqBuckets[i] = (reqBuckets[i] ?? 0) + 1;
    if (status >= 500) totals.server += 1;
    else if (status >= 400) totals.client += 1;
    if (status >= 400) errBuckets[i] = (errBuckets[i] ?? 0) + 1;
  }

  return {
    count,
    snapshot() {
      advance();
      const req = reqBuckets.reduce((a, b) => a + b, 0);
      const err = errBuckets.reduce((a, b) => a + b, 0);
      return {
        requests_total: totals.requests, client_errors_total: totals.client, server_errors_total: totals.server,
        requests_per_s_1m: req / 60, errors_per_s_1m: err / 60, error_rate_1m: req ? err / req : 0,
      };
    },
  };
}
