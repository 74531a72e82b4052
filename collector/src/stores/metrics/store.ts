/**
 * The metrics store: GPU samples in ClickHouse (raw MergeTree + hourly AggregatingMergeTree rollups).
 *
 * Invariants:
 * - A batch is written with insert_deduplication_token = tenant:agent:seq on a MergeTree with a
 *   deduplication window, so a batch re-sent after any crash is stored once (and the rollup
 *   materialized view is not fed twice: a deduplicated block is not pushed to dependent views).
 * - writeBatch resolves only after ClickHouse returned from the insert (the data is in a part).
 * - Every read is bounded by tenant and time window; no FINAL on hot reads.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { WireSample } from '@gpuoptimizer/shared';
import type { MetricsWriter, ServiceHealth, StoredBatch } from '../../ports.js';
import { classify, Querier } from './query.js';
import { bootstrapStatements, migrations, tableNames, type SchemaOptions } from './schema.js';
import { z } from 'zod';

/** One raw row of gpu_samples. */
interface RawRow {
  tenant_id: string;
  gpu_uuid: string;
  ts: number;
  host_id: string;
  agent_id: string;
  batch_seq: number;
  gpu_index: number;
  utilization_gpu_pct: number | null;
  utilization_memory_pct: number | null;
  memory_used_mib: number | null;
  memory_total_mib: number | null;
  temperature_c: number | null;
  power_draw_w: number | null;
  power_limit_w: number | null;
  sm_clock_mhz: number | null;
  mem_clock_mhz: number | null;
  fan_speed_pct: number | null;
  energy_consumption_mj: number | null;
  ecc_errors_uncorrected: number | null;
  pstate: string | null;
  process_count: number;
}

/** Flattens samples into one row per GPU per instant. */
export function toRows(tenantId: string, agentId: string, seq: number, samples: WireSample[]): RawRow[] {
  const rows: RawRow[] = [];
  for (const s of samples) {
    const perGpu = new Map<string, number>();
    for (const p of s.processes ?? []) perGpu.set(p.gpu_uuid, (perGpu.get(p.gpu_uuid) ?? 0) + 1);
    for (const g of s.gpus ?? []) {
      rows.push({
        tenant_id: tenantId,
        gpu_uuid: g.uuid,
        ts: s.ts_unix_ms,
        host_id: s.host?.id ?? '',
        agent_id: agentId,
        batch_seq: seq,
        gpu_index: Math.min(255, g.index ?? 0),
        utilization_gpu_pct: g.utilization_gpu_pct ?? null,
        utilization_memory_pct: g.utilization_memory_pct ?? null,
        memory_used_mib: g.memory_used_mib ?? null,
        memory_total_mib: g.memory_total_mib ?? null,
        temperature_c: g.temperature_c ?? null,
        power_draw_w: g.power_draw_w ?? null,
        power_limit_w: g.power_limit_w ?? null,
        sm_clock_mhz: g.sm_clock_mhz ?? null,
        mem_clock_mhz: g.mem_clock_mhz ?? null,
        fan_speed_pct: g.fan_speed_pct ?? null,
        energy_consumption_mj: g.energy_consumption_mj ?? null,
        ecc_errors_uncorrected: g.ecc_errors_uncorrected ?? null,
        pstate: g.pstate ?? null,
        process_count: perGpu.get(g.uuid) ?? 0,
      });
    }
  }
  return rows;
}

/** The metrics store over one ClickHouse client. */
export class MetricsStore implements MetricsWriter {
  readonly querier: Querier;
  readonly tables: ReturnType<typeof tableNames>;
  private writes = 0;
  private writeErrors = 0;

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

  /** Stores one agent batch exactly once (see the invariants above). */
  async writeBatch(tenantId: string, agentId: string, seq: number, samples: WireSample[]): Promise<StoredBatch> {
    const rows = toRows(tenantId, agentId, seq, samples);
    if (rows.length === 0) return { rows: 0 };
    try {
      await this.client.insert({
        table: `${this.schema.database}.${this.schema.cluster ? this.tables.rawRead : this.tables.raw}`,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: {
          insert_deduplication_token: `${tenantId}:${agentId}:${seq}`,
          insert_deduplicate: 1,
          deduplicate_blocks_in_dependent_materialized_views: 1,
          ...(this.schema.cluster ? { distributed_foreground_insert: 1 } : {}),
        },
      });
      this.writes++;
      return { rows: rows.length };
    } catch (err) {
      this.writeErrors++;
      throw classify(err);
    }
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
  counters(): { writes: number; write_errors: number } {
    return { writes: this.writes, write_errors: this.writeErrors };
  }

  /** Closes the client. */
  async close(): Promise<void> {
    await this.client.close();
  }
}
