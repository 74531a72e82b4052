/**
 * Versioned ClickHouse migrations for the metrics store, rendered for one node (embedded chDB or a
 * single server) or for a cluster (ON CLUSTER DDL, Replicated engines, Distributed tables).
 * Migrations change only by addition: a new version appends statements, old ones never change.
 */

/** How the DDL is rendered. */
export interface SchemaOptions {
  database: string;
  cluster?: string | undefined;
  rawTtlDays: number;
  rollupTtlDays: number;
}

/** One migration: a version and its statements. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

// Nullable metrics: a value the driver did not report is NULL, never 0.
const RAW_COLUMNS = `
  tenant_id LowCardinality(String),
  gpu_uuid LowCardinality(String),
  ts DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
  host_id LowCardinality(String),
  agent_id LowCardinality(String),
  batch_seq UInt64 CODEC(DoubleDelta, ZSTD(1)),
  gpu_index UInt8 CODEC(ZSTD(1)),
  utilization_gpu_pct Nullable(Float32) CODEC(ZSTD(1)),
  utilization_memory_pct Nullable(Float32) CODEC(ZSTD(1)),
  memory_used_mib Nullable(Float32) CODEC(ZSTD(1)),
  memory_total_mib Nullable(Float32) CODEC(ZSTD(1)),
  temperature_c Nullable(Float32) CODEC(ZSTD(1)),
  power_draw_w Nullable(Float32) CODEC(ZSTD(1)),
  power_limit_w Nullable(Float32) CODEC(ZSTD(1)),
  sm_clock_mhz Nullable(Float32) CODEC(ZSTD(1)),
  mem_clock_mhz Nullable(Float32) CODEC(ZSTD(1)),
  fan_speed_pct Nullable(Float32) CODEC(ZSTD(1)),
  energy_consumption_mj Nullable(Float64) CODEC(ZSTD(1)),
  ecc_errors_uncorrected Nullable(Float64) CODEC(ZSTD(1)),
  pstate LowCardinality(Nullable(String)),
  process_count UInt16 CODEC(ZSTD(1))`;

const ROLLUP_COLUMNS = `
  tenant_id LowCardinality(String),
  gpu_uuid LowCardinality(String),
  hour DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
  samples SimpleAggregateFunction(sum, UInt64),
  utilization_avg AggregateFunction(avg, Nullable(Float32)),
  utilization_min SimpleAggregateFunction(min, Nullable(Float32)),
  utilization_max SimpleAggregateFunction(max, Nullable(Float32)),
  utilization_q AggregateFunction(quantiles(0.5, 0.95, 0.99), Nullable(Float32)),
  memory_used_avg AggregateFunction(avg, Nullable(Float32)),
  memory_used_max SimpleAggregateFunction(max, Nullable(Float32)),
  memory_used_q AggregateFunction(quantiles(0.5, 0.95, 0.99), Nullable(Float32)),
  memory_total_max SimpleAggregateFunction(max, Nullable(Float32)),
  power_avg AggregateFunction(avg, Nullable(Float32)),
  power_max SimpleAggregateFunction(max, Nullable(Float32)),
  temperature_avg AggregateFunction(avg, Nullable(Float32)),
  temperature_max SimpleAggregateFunction(max, Nullable(Float32))`;

function engine(kind: 'MergeTree' | 'AggregatingMergeTree', table: string, o: SchemaOptions): string {
  if (!o.cluster) return `${kind}()`;
  return `Replicated${kind}('/clickhouse/tables/{shard}/${o.database}/${table}', '{replica}')`;
}

function onCluster(o: SchemaOptions): string {
  return o.cluster ? ` ON CLUSTER '${o.cluster}'` : '';
}

/** Local table names: in cluster mode the data lives in `*_local` and reads go through Distributed tables. */
export function tableNames(o: Pick<SchemaOptions, 'cluster'>) {
  const suffix = o.cluster ? '_local' : '';
  return { raw: `gpu_samples${suffix}`, hourly: `gpu_metrics_hourly${suffix}`, rawRead: 'gpu_samples', hourlyRead: 'gpu_metrics_hourly' };
}

/** The migrations, rendered for the given options. */
export function migrations(o: SchemaOptions): Migration[] {
  const db = o.database;
  const t = tableNames(o);
  const v1: string[] = [
    `CREATE TABLE IF NOT EXISTS ${db}.${t.raw}${onCluster(o)} (${RAW_COLUMNS}
) ENGINE = ${engine('MergeTree', t.raw, o)}
PARTITION BY toYYYYMM(ts)
ORDER BY (tenant_id, gpu_uuid, ts)
TTL toDateTime(ts) + INTERVAL ${o.rawTtlDays} DAY
SETTINGS index_granularity = 8192`,
    `CREATE TABLE IF NOT EXISTS ${db}.${t.hourly}${onCluster(o)} (${ROLLUP_COLUMNS}
) ENGINE = ${engine('AggregatingMergeTree', t.hourly, o)}
PARTITION BY toYYYYMM(hour)
ORDER BY (tenant_id, gpu_uuid, hour)
TTL hour + INTERVAL ${o.rollupTtlDays} DAY`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.gpu_metrics_hourly_mv${onCluster(o)} TO ${db}.${t.hourly} AS
SELECT tenant_id, gpu_uuid, toStartOfHour(ts) AS hour,
  count() AS samples,
  avgState(utilization_gpu_pct) AS utilization_avg,
  min(utilization_gpu_pct) AS utilization_min,
  max(utilization_gpu_pct) AS utilization_max,
  quantilesState(0.5, 0.95, 0.99)(utilization_gpu_pct) AS utilization_q,
  avgState(memory_used_mib) AS memory_used_avg,
  max(memory_used_mib) AS memory_used_max,
  quantilesState(0.5, 0.95, 0.99)(memory_used_mib) AS memory_used_q,
  max(memory_total_mib) AS memory_total_max,
  avgState(power_draw_w) AS power_avg,
  max(power_draw_w) AS power_max,
  avgState(temperature_c) AS temperature_avg,
  max(temperature_c) AS temperature_max
FROM ${db}.${t.raw}
GROUP BY tenant_id, gpu_uuid, hour`,
  ];
  if (o.cluster) {
    v1.push(
      `CREATE TABLE IF NOT EXISTS ${db}.${t.rawRead}${onCluster(o)} AS ${db}.${t.raw} ENGINE = Distributed('${o.cluster}', '${db}', '${t.raw}', cityHash64(tenant_id, gpu_uuid))`,
      `CREATE TABLE IF NOT EXISTS ${db}.${t.hourlyRead}${onCluster(o)} AS ${db}.${t.hourly} ENGINE = Distributed('${o.cluster}', '${db}', '${t.hourly}', cityHash64(tenant_id, gpu_uuid))`,
    );
  }
  return [{ version: 1, name: 'raw samples, hourly rollups', statements: v1 }];
}

/** DDL that must exist before migrations run: the database and the migrations ledger. */
export function bootstrapStatements(o: SchemaOptions): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${o.database}${onCluster(o)}`,
    `CREATE TABLE IF NOT EXISTS ${o.database}.schema_migrations${onCluster(o)} (version UInt32, name String, applied_at DateTime('UTC') DEFAULT now())
ENGINE = ${o.cluster ? `ReplicatedMergeTree('/clickhouse/tables/{shard}/${o.database}/schema_migrations', '{replica}')` : 'MergeTree()'} ORDER BY version`,
  ];
}
