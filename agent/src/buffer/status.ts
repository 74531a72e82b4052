/**
 * The buffer's counters as `status --json` shows them, read from the buffer file itself so a
 * second process (the `status` command) can read them while `run` is writing: WAL readers
 * never block the writer.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Counters kept in the buffer file; they survive restarts. */
export interface BufferStatus {
  buffer_path: string;
  buffer_exists: boolean;
  agent_id: string | null;
  /** Samples committed to the buffer since it was created. */
  produced_samples: number;
  /** Samples the collector acknowledged as stored (then deleted here). */
  acked_samples: number;
  /** Samples in the buffer now, sent or not. */
  buffered_samples: number;
  buffered_bytes: number;
  /** Samples dropped: by the size/age bounds, or in batches the collector rejected. */
  dropped_samples: number;
  rejected_batches: number;
  /** Batches formed and waiting for an ack. */
  pending_batches: number;
  oldest_sample_at: string | null;
  last_ack_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  /** The exporter's last state: connecting, connected, backoff, unauthenticated, stopped. */
  exporter_state: string | null;
  /** The GPU source's last state and counters (state, message, gpus, restarts, parse_errors, …). */
  gpu_source: Record<string, unknown> | null;
  file_bytes: number;
}

const COUNTERS = ['produced_samples', 'acked_samples', 'dropped_samples', 'rejected_batches'] as const;
const TEXTS = ['agent_id', 'last_ack_at', 'last_error', 'last_error_at', 'exporter_state'] as const;

function fileBytes(path: string): number {
  let total = 0;
  for (const p of [path, `${path}-wal`]) if (existsSync(p)) total += statSync(p).size;
  return total;
}

function parseJson(v: unknown): Record<string, unknown> | null {
  if (typeof v !== 'string') return null;
  try {
    return JSON.parse(v) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Reads every status field from an open buffer database. */
export function statusFromDb(db: Database.Database, path: string): BufferStatus {
  const meta = new Map<string, unknown>();
  for (const row of db.prepare('SELECT key, value FROM meta').all() as { key: string; value: unknown }[]) {
    meta.set(row.key, row.value);
  }
  const num = (k: string): number => Number(meta.get(k) ?? 0);
  const text = (k: string): string | null => {
    const v = meta.get(k);
    return v === undefined || v === null ? null : String(v);
  };
  const agg = db
    .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length(bytes)), 0) AS b, MIN(ts_ms) AS oldest FROM samples')
    .get() as { n: number; b: number; oldest: number | null };
  const pending = (db.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number }).n;
  const out: Record<string, unknown> = { buffer_path: path, buffer_exists: true };
  for (const k of COUNTERS) out[k] = num(k);
  for (const k of TEXTS) out[k] = text(k);
  return {
    ...(out as Pick<BufferStatus, (typeof COUNTERS)[number] | (typeof TEXTS)[number]>),
    buffer_path: path,
    buffer_exists: true,
    buffered_samples: agg.n,
    buffered_bytes: agg.b,
    pending_batches: pending,
    oldest_sample_at: agg.oldest === null ? null : new Date(agg.oldest).toISOString(),
    gpu_source: parseJson(meta.get('gpu_source')),
    file_bytes: fileBytes(path),
  };
}

/** Status of a buffer that does not exist yet: every counter zero. */
export function emptyStatus(path: string): BufferStatus {
  return {
    buffer_path: path,
    buffer_exists: false,
    agent_id: null,
    produced_samples: 0,
    acked_samples: 0,
    buffered_samples: 0,
    buffered_bytes: 0,
    dropped_samples: 0,
    rejected_batches: 0,
    pending_batches: 0,
    oldest_sample_at: null,
    last_ack_at: null,
    last_error: null,
    last_error_at: null,
    exporter_state: null,
    gpu_source: null,
    file_bytes: 0,
  };
}

/**
 * Reads the status of the buffer at `path` without writing to it (safe while `run` runs).
 * A missing file reads as all zeros.
 */
export function readBufferStatus(path: string): BufferStatus {
  if (!existsSync(path)) return emptyStatus(path);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return statusFromDb(db, path);
  } catch (err) {
    // `run` is creating the file right now: its tables do not exist yet, so nothing is counted yet.
    if (err instanceof Error && /no such table/.test(err.message)) return { ...emptyStatus(path), buffer_exists: true };
    throw err;
  } finally {
    db.close();
  }
}

/** Reads just the persisted agent id, or null when there is no buffer or no id yet. */
export function readPersistedAgentId(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT value FROM meta WHERE key = 'agent_id'").get() as { value: unknown } | undefined;
      return row ? String(row.value) : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}
