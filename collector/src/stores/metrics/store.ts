/**
 * The metrics store: GPU samples in ClickHouse (raw MergeTree + hourly AggregatingMergeTree rollups).
 *
 * Invariants (exactly-once storage, proved by the delivery fault suite):
 * - A fresh batch (never sent before, as the agent's buffer knows) cannot already be stored, so it
 *   takes the fast path: group commit with other batches into one insert, no deduplication.
 * - A batch flagged `resend` may already be stored, wholly or in part: the store reads which of its
 *   rows (tenant, agent, seq, GPU, ts) it already holds and inserts only the others. No other copy
 *   of the same batch is written meanwhile: copies of one (tenant, agent, seq) are serialised.
 * - writeBatch resolves only after ClickHouse returned from the insert holding the rows (durable);
 *   it rejects when the store is unavailable, and then nothing is acked.
 * - Every read is bounded by tenant and time window; no FINAL on hot reads.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { WireSample } from '@gpuoptimizer/shared';
import type { MetricsWriter, RowBatch, ServiceHealth, StoredBatch } from '../../ports.js';
import { classify, Querier } from './query.js';
import { bootstrapStatements, migrations, tableNames, type SchemaOptions } from './schema.js';
import { encodeSamples } from './tsv.js';
import { GroupCommitter } from './group_commit.js';
import { z } from 'zod';

/** The RowBatch of decoded samples. */
export function sampleRows(agentId: string, seq: number, samples: WireSample[], resend: boolean): RowBatch {
  let rows = 0;
  let minTsMs = Infinity;
  let maxTsMs = -Infinity;
  const gpus = new Set<string>();
  for (const s of samples) {
    const ts = Number(s.ts_unix_ms);
    minTsMs = Math.min(minTsMs, ts);
    maxTsMs = Math.max(maxTsMs, ts);
    for (const g of s.gpus ?? []) gpus.add(g.uuid);
    rows += s.gpus?.length ?? 0;
  }
  return {
    agentId, seq, resend, rows, gpuUuids: [...gpus], minTsMs, maxTsMs,
    encode: (tenantId, skip) => encodeSamples(tenantId, agentId, seq, samples, skip),
  };
}

/** The metrics store over one ClickHouse client. */
export class MetricsStore implements MetricsWriter {
  readonly querier: Querier;
  readonly tables: ReturnType<typeof tableNames>;
  private readonly committer = new GroupCommitter((tsv) => this.insertTsv(tsv));
  private readonly inFlight = new Map<string, Promise<StoredBatch>>();
  private writes = 0;
  private writeErrors = 0;
  private resendRowsSkipped = 0;

  constructor(
    readonly client: ClickHouseClient,
    readonly schema: SchemaOptions,
    readonly embedded: boolean,
  ) {
    this.querier = new Querier(client);
    this.tables = tableNames(schema);
  }

  /** Applies the migrations not yet recorded in schema_migrations, in order. */
  async migrate(): Promise<number[]> {
    for (const stmt of bootstrapStatements(this.schema)) await this.querier.command(stmt);
    const applied = new Set(
      (await this.querier.select(`SELECT version FROM ${this.schema.database}.schema_migrations`, {}, z.object({ version: z.coerce.number() }))).map((r) => r.version),
    );
    const done: number[] = [];
    for (const m of migrations(this.schema)) {
      if (applied.has(m.version)) continue;
      for (const stmt of m.statements) await this.querier.command(stmt);
      await this.client.insert({
        table: `${this.schema.database}.schema_migrations`,
        values: [{ version: m.version, name: m.name }],
        format: 'JSONEachRow',
      });
      done.push(m.version);
    }
    return done;
  }

  /** Stores decoded samples exactly once (bench and tests; ingest hands in rows it read from the wire). */
  writeBatch(tenantId: string, agentId: string, seq: number, samples: WireSample[], opts: { resend?: boolean } = {}): Promise<StoredBatch> {
    return this.writeRows(tenantId, sampleRows(agentId, seq, samples, opts.resend === true));
  }

  /** Stores one agent batch exactly once (see the invariants above). */
  async writeRows(tenantId: string, batch: RowBatch): Promise<StoredBatch> {
    const key = `${tenantId}\u0000${batch.agentId}\u0000${batch.seq}`;
    const earlier = this.inFlight.get(key);
    const work = (async () => {
      if (earlier) await earlier.catch(() => undefined);
      const encoded = batch.resend ? await this.encodeMissing(tenantId, batch) : batch.encode(tenantId);
      if (encoded.rows > 0) await this.committer.add(encoded.tsv, encoded.rows);
      return { rows: batch.rows };
    })();
    this.inFlight.set(key, work);
    try {
      const stored = await work;
      this.writes++;
      return stored;
    } catch (err) {
      this.writeErrors++;
      throw classify(err);
    } finally {
      if (this.inFlight.get(key) === work) this.inFlight.delete(key);
    }
  }

  /** Encodes the rows of a re-sent batch that the store does not hold yet. */
  private async encodeMissing(tenantId: string, batch: RowBatch): Promise<{ tsv: string; rows: number }> {
    if (batch.rows === 0) return { tsv: '', rows: 0 };
    const held = await this.querier.select(
      `SELECT gpu_uuid, toUnixTimestamp64Milli(ts) AS ts_ms FROM ${this.schema.database}.${this.tables.rawRead}
WHERE tenant_id = {tenant:String} AND gpu_uuid IN {gpus:Array(String)} AND ts >= fromUnixTimestamp64Milli({min:Int64}) AND ts <= fromUnixTimestamp64Milli({max:Int64})
  AND agent_id = {agent:String} AND batch_seq = {seq:UInt64}`,
      { tenant: tenantId, gpus: batch.gpuUuids, min: batch.minTsMs, max: batch.maxTsMs, agent: batch.agentId, seq: batch.seq },
      z.object({ gpu_uuid: z.string(), ts_ms: z.coerce.number() }),
    );
    if (held.length === 0) return batch.encode(tenantId);
    const have = new Set(held.map((h) => `${h.gpu_uuid}\u0000${h.ts_ms}`));
    this.resendRowsSkipped += held.length;
    return batch.encode(tenantId, (uuid, ts) => have.has(`${uuid}\u0000${ts}`));
  }

  private async insertTsv(tsv: string): Promise<void> {
    await this.client.insert({
      table: `${this.schema.database}.${this.schema.cluster ? this.tables.rawRead : this.tables.raw}`,
      values: Readable.from([Buffer.from(tsv)], { objectMode: false }),
      format: 'TabSeparated',
      clickhouse_settings: {
        // Exactly-once comes from the resend check, not block hashes: two equal blocks are both real.
        insert_deduplicate: 0,
        ...(this.schema.cluster ? { distributed_foreground_insert: 1 } : {}),
      },
    });
  }

  /** Health: a round trip to ClickHouse, timed. */
  async ping(): Promise<ServiceHealth> {
    const t0 = performance.now();
    try {
      const r = await this.client.ping();
      const latency = Math.round((performance.now() - t0) * 10) / 10;
      if (!r.success) return { status: 'unhealthy', latency_ms: latency, error: String(r.error?.message ?? 'ping failed') };
      return { status: 'healthy', latency_ms: latency };
    } catch (err) {
      return { status: 'unhealthy', latency_ms: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Counters for /api/admin/metrics. */
  counters(): { writes: number; write_errors: number; resend_rows_skipped: number; queued_rows: number } {
    return { writes: this.writes, write_errors: this.writeErrors, resend_rows_skipped: this.resendRowsSkipped, queued_rows: this.committer.depth };
  }

  /** Closes the client. */
  async close(): Promise<void> {
    await this.client.close();
  }
}
