/**
 * The contracts between the collector's parts. Adapters implement them; main.ts wires them.
 * A tenant is an account: its id is the owning user's id (`usr_…`).
 */
import type { CloudInfo, GpuSample, HostInfo, WireSample } from '@gpuoptimizer/shared';

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

/** The time-series side of ingest. */
export interface MetricsWriter {
  /**
   * Stores a batch exactly once: a second call with the same (tenantId, agentId, seq) writes nothing
   * new. Resolves only after the write is durable; rejects when the store is unavailable.
   */
  writeBatch(tenantId: string, agentId: string, seq: number, samples: WireSample[]): Promise<StoredBatch>;
}

/** Health of one backing service, as /api/health and /api/admin/metrics report it. */
export interface ServiceHealth {
  status: 'healthy' | 'degraded' | 'unhealthy';
  latency_ms: number | null;
  error?: string;
}
