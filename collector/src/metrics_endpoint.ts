/**
 * GET /metrics on the REST port: the collector's own health in the Prometheus text format
 * (ingest counters and rates, metrics-store writes and queue depth, API requests and errors,
 * process memory), for the Prometheus a self-hosting operator already runs.
 */
import { renderMetrics, singleMetric, type MetricFamily } from '@gpuoptimizer/shared';
import type { IngestCounters } from './ingest/server.js';

/** What the endpoint reads at scrape time. */
export interface CollectorMetricsSource {
  ingest: () => IngestCounters;
  store: () => { writes: number; write_errors: number; resend_rows_skipped: number; queued_rows: number };
  api: () => Record<string, number>;
}

const m = singleMetric('gpuoptimizer_collector_');

/** The metric families at this instant. */
export function collectorMetrics(src: CollectorMetricsSource): MetricFamily[] {
  const i = src.ingest();
  const s = src.store();
  const a = src.api();
  const mem = process.memoryUsage();
  return [
    m('ingest_streams_open', 'gauge', 'Agent streams open now.', i.streams_open),
    m('ingest_batches_stored_total', 'counter', 'Batches stored and acked.', i.batches_stored),
    m('ingest_batches_rejected_total', 'counter', 'Batches rejected as permanently invalid.', i.batches_rejected),
    m('ingest_samples_stored_total', 'counter', 'GPU samples stored.', i.samples_stored),
    m('ingest_samples_dropped_total', 'counter', 'Samples dropped for timestamps outside the retention window.', i.samples_dropped),
    m('ingest_store_errors_total', 'counter', 'Batches not acked because the metrics store failed.', i.store_errors),
    m('ingest_decode_errors_total', 'counter', 'Undecodable frames.', i.decode_errors),
    m('ingest_auth_failures_total', 'counter', 'Streams refused for their API key.', i.auth_failures),
    m('ingest_in_flight_batches', 'gauge', 'Batches being written now.', i.in_flight),
    m('store_writes_total', 'counter', 'Batches written to the metrics store.', s.writes),
    m('store_write_errors_total', 'counter', 'Failed metrics-store writes.', s.write_errors),
    m('store_resend_rows_skipped_total', 'counter', 'Rows of re-sent batches found already stored.', s.resend_rows_skipped),
    m('store_queued_rows', 'gauge', 'Rows waiting for the next group insert.', s.queued_rows),
    m('api_requests_total', 'counter', 'REST requests served.', a.requests_total ?? 0),
    m('api_server_errors_total', 'counter', 'REST requests answered 5xx.', a.server_errors_total ?? 0),
    m('api_client_errors_total', 'counter', 'REST requests answered 4xx.', a.client_errors_total ?? 0),
    m('process_resident_memory_bytes', 'gauge', 'Resident set size.', mem.rss),
    m('process_heap_used_bytes', 'gauge', 'V8 heap in use.', mem.heapUsed),
  ];
}

/** The exposition text. */
export function renderCollectorMetrics(src: CollectorMetricsSource): string {
  return renderMetrics(collectorMetrics(src));
}
