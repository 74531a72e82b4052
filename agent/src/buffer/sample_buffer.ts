/**
 * The agent's durable queue of samples, in one SQLite file (WAL).
 *
 * Invariants:
 * 1. Committed means durable against a process crash: `commit` returns only after the sample
 *    row is in the WAL (synchronous=NORMAL; see db.ts for what a power loss may cost).
 * 2. Acked means durable on the collector, and only then deleted here: a batch's rows are
 *    removed by `ack(seq)` (or `reject`, or the bounds) and by nothing else, not by shutdown.
 * 3. A batch's seq is persisted with its members before the batch is handed out for sending,
 *    and that commit is fsynced (FULL): a re-send after any crash or power loss carries the
 *    same (agent_id, seq) and the same samples, so the collector stores it once.
 * 4. Seqs only grow. A fresh file starts at wall-clock ms x 1000 (and above any seq this
 *    process formed), above any seq a set-aside file could have used unless it formed over
 *    1000 batches per millisecond, so a new buffer never reuses an old (agent_id, seq).
 * 5. Bounded by payload size and sample age: the oldest samples are dropped first (a batch
 *    is dropped whole), and every dropped sample is counted in `dropped_samples`.
 * 6. produced_samples = acked_samples + dropped_samples + buffered_samples, always; the
 *    counters live in the same file and change in the same transactions as the rows.
 * 7. A corrupt file is set aside (`<file>.corrupt-<ts>`) and a fresh one started, at open or
 *    at run time: never a crash loop.
 * 8. `ack` and `reject` are idempotent: an unknown seq is a no-op.
 */
import type Database from 'better-sqlite3';
import type { LogFn } from '../log.js';
import { isCorruption, openBufferDb, setAside } from './db.js';
import { statusFromDb, type BufferStatus } from './status.js';
import { prepareStatements, type Statements } from './statements.js';

export interface SampleBufferOptions {
  path: string;
  /** Bound on the summed sample payload bytes (the file is somewhat larger). */
  maxBytes: number;
  /** Samples older than this (by their timestamp) are dropped. */
  maxAgeMs: number;
  log: LogFn;
  now?: () => Date;
  /** How often commits also check the age bound. */
  ageCheckEveryMs?: number;
}

/** A formed batch, as the exporter tracks it. */
export interface BatchInfo {
  seq: number;
  agentId: string;
  createdMs: number;
  samples: number;
}

/** A batch with its members' encoded `Sample` bytes, in commit order. */
export interface BatchPayload extends BatchInfo {
  sampleBytes: Buffer[];
}

/** The durable sample queue; see the invariants at the top of this file. */
export class SampleBuffer {
  private db: Database.Database;
  private s: Statements;
  private readonly now: () => Date;
  private bytes = 0;
  private unbatchedCount = 0;
  private unbatchedSince = 0;
  private lastAgeCheck = 0;
  /** Highest seq this process has formed: a file started fresh at run time begins above it. */
  private highestSeq = 0;

  private constructor(private readonly opts: SampleBufferOptions) {
    this.now = opts.now ?? (() => new Date());
    this.db = openBufferDb(opts.path, opts.log, this.now);
    this.s = this.init();
  }

  /** Opens (or creates, or replaces a corrupt) buffer file and applies the bounds once. */
  static open(opts: SampleBufferOptions): SampleBuffer {
    const buffer = new SampleBuffer(opts);
    buffer.enforceBounds();
    return buffer;
  }

  private init(): Statements {
    const s = prepareStatements(this.db);
    s.initMeta.run('next_seq', Math.max(this.now().getTime() * 1000, this.highestSeq + 1));
    for (const k of ['produced_samples', 'acked_samples', 'dropped_samples', 'rejected_batches']) s.initMeta.run(k, 0);
    const agg = s.totals.get() as { b: number; u: number };
    this.bytes = agg.b;
    this.unbatchedCount = agg.u;
    this.unbatchedSince = 0; // a backlog found at open is due at once
    return s;
  }

  /** Runs `fn`; if SQLite reports corruption, sets the file aside, starts fresh, returns `fallback`. */
  private guard<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      if (!isCorruption(err)) throw err;
      this.recover(err);
      return fallback;
    }
  }

  private recover(err: unknown): void {
    try {
      this.db.close();
    } catch {
      // already unusable: setting it aside is all that is left
    }
    const aside = setAside(this.opts.path, this.now());
    this.opts.log('error', 'buffer became corrupt while running: set aside, starting a fresh buffer', {
      path: this.opts.path,
      set_aside_as: aside,
      error: err instanceof Error ? err.message : String(err),
    });
    this.db = openBufferDb(this.opts.path, this.opts.log, this.now);
    this.s = this.init();
  }

  /** Commits encoded samples (one row each) in one transaction; returns how many were committed. */
  commit(items: readonly { bytes: Uint8Array; tsMs: number }[]): number {
    if (items.length === 0) return 0;
    const write = () =>
      this.db.transaction(() => {
        for (const it of items) this.s.insertSample.run(it.tsMs, it.bytes);
        this.s.bump.run('produced_samples', items.length);
      }).immediate();
    try {
      write();
    } catch (err) {
      if (!isCorruption(err)) throw err;
      this.recover(err);
      write();
    }
    if (this.unbatchedCount === 0) this.unbatchedSince = this.now().getTime();
    this.unbatchedCount += items.length;
    for (const it of items) this.bytes += it.bytes.byteLength;
    this.maybeEnforceBounds();
    return items.length;
  }

  /** Samples not yet in a batch, and since when (ms) the oldest of them has waited. */
  unbatched(): { count: number; sinceMs: number } {
    return { count: this.unbatchedCount, sinceMs: this.unbatchedSince };
  }

  /** Formed batches with seq > `afterSeq`, oldest first (what a new connection re-sends). */
  batchesAfter(afterSeq: number, limit: number): BatchInfo[] {
    return this.guard(() => (this.s.batchesAfter.all(afterSeq, limit) as BatchRow[]).map(toInfo), []);
  }

  /**
   * Puts up to `maxSamples` of the oldest unbatched samples (and at most `maxBytes`, but at
   * least one) into a new batch with the next seq. Returns null when nothing is waiting.
   */
  formBatch(agentId: string, maxSamples: number, maxBytes: number): BatchInfo | null {
    if (this.unbatchedCount === 0) return null;
    return this.guard(() => this.formBatchDurably(agentId, maxSamples, maxBytes), null);
  }

  private formBatchDurably(agentId: string, maxSamples: number, maxBytes: number): BatchInfo | null {
    // Invariant 3: this commit is fsynced before the batch can be sent.
    this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(() => {
        const rows = this.s.oldestUnbatched.all(maxSamples) as { id: number; len: number }[];
        let taken = 0;
        let size = 0;
        for (const r of rows) {
          if (taken > 0 && size + r.len > maxBytes) break;
          taken++;
          size += r.len;
        }
        const last = rows[taken - 1];
        if (!last) return null;
        const seq = Number((this.s.getMeta.get('next_seq') as { value: number }).value);
        const createdMs = this.now().getTime();
        this.s.assign.run(seq, last.id);
        this.s.insertBatch.run(seq, agentId, createdMs, taken);
        this.s.setMeta.run('next_seq', seq + 1);
        this.highestSeq = Math.max(this.highestSeq, seq);
        this.unbatchedCount -= taken;
        if (this.unbatchedCount > 0) this.unbatchedSince = createdMs;
        return { seq, agentId, createdMs, samples: taken };
      }).immediate();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** The batch `seq` with its sample bytes, or null when it is gone (acked, dropped). */
  readBatch(seq: number): BatchPayload | null {
    return this.guard(() => {
      const row = this.s.getBatch.get(seq) as BatchRow | undefined;
      if (!row) return null;
      const sampleBytes = (this.s.batchSamples.all(seq) as { bytes: Buffer }[]).map((r) => r.bytes);
      return { ...toInfo(row), sampleBytes };
    }, null);
  }

  /** The collector stored batch `seq`: delete it and count it. Returns samples deleted (0 if unknown). */
  ack(seq: number): number {
    return this.guard(() => this.db.transaction(() => {
      const n = this.deleteBatch(seq);
      if (n > 0) {
        this.s.bump.run('acked_samples', n);
        this.s.setMeta.run('last_ack_at', this.now().toISOString());
      }
      return n;
    }).immediate(), 0);
  }

  /** The collector rejected batch `seq` for good: delete it, count it as dropped, remember why. */
  reject(seq: number, error: string): number {
    return this.guard(() => this.db.transaction(() => {
      const n = this.deleteBatch(seq);
      if (n > 0) {
        this.s.bump.run('dropped_samples', n);
        this.s.bump.run('rejected_batches', 1);
        this.setError(`batch ${seq} rejected: ${error}`);
      }
      return n;
    }).immediate(), 0);
  }

  /** Deletes batch `seq` and its samples inside the caller's transaction; returns samples removed. */
  private deleteBatch(seq: number): number {
    const agg = this.s.batchSize.get(seq) as { n: number; b: number };
    if (agg.n === 0 && this.s.deleteBatchRow.run(seq).changes === 0) return 0;
    this.s.deleteBatchSamples.run(seq);
    this.s.deleteBatchRow.run(seq);
    this.bytes -= agg.b;
    return agg.n;
  }

  private setError(message: string): void {
    this.s.setMeta.run('last_error', message);
    this.s.setMeta.run('last_error_at', this.now().toISOString());
  }

  /** Persists the latest error so `status` shows it from another process. */
  recordError(message: string): void {
    this.guard(() => this.setError(message), undefined);
  }

  /** Persists the exporter's state (rare transitions only) for `status`. */
  recordState(state: string): void {
    this.guard(() => this.s.setMeta.run('exporter_state', state), undefined);
  }

  /** Persists the GPU source's state and counters (JSON) so `status --json` can show them. */
  recordGpuSource(json: string): void {
    this.guard(() => this.s.setMeta.run('gpu_source', json), undefined);
  }

  /** The agent id persisted in this file, if any. */
  agentId(): string | null {
    const row = this.guard(() => this.s.getMeta.get('agent_id') as { value: unknown } | undefined, undefined);
    return row ? String(row.value) : null;
  }

  /** Persists the agent id so later runs reuse it. */
  setAgentId(id: string): void {
    this.guard(() => this.s.setMeta.run('agent_id', id), undefined);
  }

  private maybeEnforceBounds(): void {
    const nowMs = this.now().getTime();
    const every = this.opts.ageCheckEveryMs ?? 60_000;
    if (this.bytes > this.opts.maxBytes || nowMs - this.lastAgeCheck >= every) this.enforceBounds();
  }

  /** Drops the oldest samples until both bounds hold; returns how many were dropped. */
  enforceBounds(): number {
    const nowMs = this.now().getTime();
    this.lastAgeCheck = nowMs;
    const cutoff = nowMs - this.opts.maxAgeMs;
    const dropped = this.guard(() => this.db.transaction(() => this.dropOldest(cutoff)).immediate(), 0);
    if (dropped > 0) {
      this.opts.log('warn', 'buffer bound reached: dropped the oldest samples', {
        dropped_samples: dropped,
        max_bytes: this.opts.maxBytes,
        max_age_ms: this.opts.maxAgeMs,
      });
    }
    return dropped;
  }

  private dropOldest(cutoffMs: number): number {
    let dropped = 0;
    for (;;) {
      const row = this.s.oldest.get() as { id: number; ts_ms: number; batch_seq: number | null; len: number } | undefined;
      if (!row || (this.bytes <= this.opts.maxBytes && row.ts_ms >= cutoffMs)) break;
      if (row.batch_seq !== null) {
        dropped += this.deleteBatch(row.batch_seq);
      } else {
        this.s.deleteSample.run(row.id);
        this.bytes -= row.len;
        this.unbatchedCount--;
        dropped++;
      }
    }
    if (dropped > 0) this.s.bump.run('dropped_samples', dropped);
    return dropped;
  }

  /** Every counter of `status --json`. */
  status(): BufferStatus {
    return statusFromDb(this.db, this.opts.path);
  }

  /** Closes the file; idempotent. Nothing unacked is deleted. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface BatchRow {
  seq: number;
  agent_id: string;
  created_ms: number;
  samples: number;
}

function toInfo(r: BatchRow): BatchInfo {
  return { seq: r.seq, agentId: r.agent_id, createdMs: r.created_ms, samples: r.samples };
}
