/** The metrics store's entry point: open the client, build the store, apply migrations. */
import { openClickHouse, type MetricsConnectionConfig } from './client.js';
import { MetricsStore } from './store.js';
import { MetricsReader } from './reader.js';

export { MetricsStore } from './store.js';
export { MetricsReader } from './reader.js';
export { MetricsStoreError } from './query.js';
export type { MetricsConnectionConfig } from './client.js';

/** Settings of the metrics store beyond the connection. */
export interface MetricsStoreConfig extends MetricsConnectionConfig {
  rawTtlDays: number;
  rollupTtlDays: number;
}

/** Opens the metrics store and brings its schema up to date. */
export async function openMetricsStore(config: MetricsStoreConfig): Promise<{ store: MetricsStore; reader: MetricsReader }> {
  const { client, embedded } = await openClickHouse(config);
  const schema = {
    database: config.database,
    cluster: config.cluster,
    rawTtlDays: config.rawTtlDays,
    rollupTtlDays: config.rollupTtlDays,
  };
  const store = new MetricsStore(client, schema, embedded);
  try {
    await store.migrate();
  } catch (err) {
    await client.close().catch(() => undefined);
    const where = config.url ? `ClickHouse at ${config.url}` : `embedded chDB under ${config.dataDir}`;
    throw new Error(`cannot open the metrics store (${where}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { store, reader: new MetricsReader(store.querier, config.database, store.tables) };
}
