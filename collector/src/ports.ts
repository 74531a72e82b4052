/**
 * The contracts between the collector's parts. Adapters implement them; main.ts wires them.
 * A tenant is an account: its id is the owning user's id (`usr_…`).
 */
import type { CloudInfo, GpuSample, HostInfo, ProcessSample } from '@gpuoptimizer/shared';

/** The time source every part is handed, so tests control it. */
export interface Clock {
  now(): Date;
}

/** Who an API key belongs to and what it may do. */
export interface ApiKeyPrincipal {
  tenantId: string;
  keyId: string;
  scope: 'api' | 'agent';
}

/** Verifies API keys presented by agents on the gRPC ingest stream (and by REST callers). */
export interface KeyAuthenticator {
  /** Returns the key's principal, or null when the key is unknown or revoked. Never throws for bad input. */
  authenticateKey(rawKey: string): ApiKeyPrincipal | null;
}

/** What ingest learned about one host from one batch: the newest sample's facts. */
export interface HostReport {
  tenantId: string;
  agentId: string;
  host: HostInfo;
  cloud: CloudInfo | null;
  gpus: GpuSample[];
  /** Processes of the newest sample, when ingest passes them on (shown by GET /api/gpus/{id}). */
  processes?: ProcessSample[];
  seenAt: Date;
}

/** Keeps the app store's inventory (hosts, GPUs, their last reading) current from ingest. */
export interface FleetRegistry {
  /** Upserts the host and its GPUs (by tenant + GPU uuid), recording last_seen_at and the latest reading. */
  recordReport(report: HostReport): void;
}

/** Result of storing one batch in the metrics store. */
export interface StoredBatch {
  /** GPU rows written (one per GPU per sample). */
  rows: number;
}

/**
 * One batch's GPU rows, ready for the metrics store: counted, with what the re-send check needs
 * (which GPUs, which time span), and encodable with some rows left out.
 */
export interface RowBatch {
  agentId: string;
  seq: number;
  /** May have been sent before: the store writes only the rows it does not hold yet. */
  resend: boolean;
  rows: number;
  gpuUuids: string[];
  minTsMs: number;
  maxTsMs: number;
  /** TabSeparated rows in gpu_samples' column order, without those `skip` names. */
  encode(tenantId: string, skip?: (gpuUuid: string, tsMs: number) => boolean): { tsv: string; rows: number };
}

/** The time-series side of ingest. */
export interface MetricsWriter {
  /**
   * Stores a batch exactly once: a re-sent batch (`resend`) that is already stored, wholly or in
   * part, adds only what was missing; a batch without `resend` has never been sent before.
   * Resolves only after the write is durable; rejects when the store is unavailable.
   */
  writeRows(tenantId: string, batch: RowBatch): Promise<StoredBatch>;
}

/** Health of one backing service, as /api/health and /api/admin/metrics report it. */
export interface ServiceHealth {
  status: 'healthy' | 'degraded' | 'unhealthy';
  latency_ms: number | null;
  error?: string;
}

/** One GPU's usage over one hour, read from the hourly rollups. Null where no sample reported it. */
export interface HourlyUsage {
  /** Start of the hour, ISO 8601 UTC. */
  hour: string;
  samples: number;
  utilization_avg: number | null;
  utilization_p95: number | null;
  utilization_max: number | null;
  memory_used_avg_mib: number | null;
  memory_used_max_mib: number | null;
  memory_total_mib: number | null;
  power_avg_w: number | null;
}

/** Reads a GPU's hourly usage; every call is bounded by tenant and time window. */
export interface UsageReader {
  hourlyUsage(tenantId: string, gpuUuid: string, start: Date, end: Date): Promise<HourlyUsage[]>;
}
