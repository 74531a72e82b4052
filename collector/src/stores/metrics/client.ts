/**
 * The ClickHouse client behind the metrics store: embedded chDB under the data dir by default,
 * a ClickHouse server (or cluster) when a URL is configured. Both speak @clickhouse/client's API,
 * so every query and insert is written once.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';

/** Where the metrics live and how to reach them. */
export interface MetricsConnectionConfig {
  /** Directory for embedded chDB (used when url is unset). */
  dataDir: string;
  /** ClickHouse server URL, e.g. http://clickhouse:8123. */
  url?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  database: string;
  /** Cluster name for ON CLUSTER DDL and Distributed tables; unset for single node. */
  cluster?: string | undefined;
  requestTimeoutMs?: number | undefined;
}

/**
 * Opens the ClickHouse client: a server when `url` is set, embedded chDB otherwise. chDB is
 * imported only when it is used: its engine library is over 500 MB of memory-mapped code.
 */
export async function openClickHouse(config: MetricsConnectionConfig): Promise<{ client: ClickHouseClient; embedded: boolean }> {
  if (config.url) {
    const client = createClient({
      url: config.url,
      username: config.user ?? 'default',
      password: config.password ?? '',
      request_timeout: config.requestTimeoutMs ?? 30_000,
      // Failures reach the caller as errors and are logged once there, as JSON like every other line.
      log: { level: ClickHouseLogLevel.OFF },
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    return { client, embedded: false };
  }
  const { createChdbConnection } = await import('chdb/connection');
  const path = resolve(config.dataDir, 'clickhouse');
  mkdirSync(path, { recursive: true });
  const client = createClient({ connection: createChdbConnection({ path }) } as Parameters<typeof createClient>[0]);
  return { client, embedded: true };
}
