/** The buffer's prepared SQL, in one place so the queue logic reads as logic. */
import type Database from 'better-sqlite3';

const SQL = {
  initMeta: 'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING',
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  setMeta: 'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  bump: 'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value',
  totals: 'SELECT COALESCE(SUM(length(bytes)), 0) AS b, COUNT(*) FILTER (WHERE batch_seq IS NULL) AS u FROM samples',
  insertSample: 'INSERT INTO samples(ts_ms, bytes) VALUES (?, ?)',
  oldestUnbatched: 'SELECT id, length(bytes) AS len FROM samples WHERE batch_seq IS NULL ORDER BY id LIMIT ?',
  // Batched rows always precede unbatched ones (batches take the oldest), so "up to id" is exact.
  assign: 'UPDATE samples SET batch_seq = ? WHERE batch_seq IS NULL AND id <= ?',
  insertBatch: 'INSERT INTO batches(seq, agent_id, created_ms, samples) VALUES (?, ?, ?, ?)',
  batchesAfter: 'SELECT seq, agent_id, created_ms, samples FROM batches WHERE seq > ? ORDER BY seq LIMIT ?',
  getBatch: 'SELECT seq, agent_id, created_ms, samples FROM batches WHERE seq = ?',
  batchSamples: 'SELECT bytes FROM samples WHERE batch_seq = ? ORDER BY id',
  batchSize: 'SELECT COUNT(*) AS n, COALESCE(SUM(length(bytes)), 0) AS b FROM samples WHERE batch_seq = ?',
  deleteBatchSamples: 'DELETE FROM samples WHERE batch_seq = ?',
  deleteBatchRow: 'DELETE FROM batches WHERE seq = ?',
  oldest: 'SELECT id, ts_ms, batch_seq, length(bytes) AS len FROM samples ORDER BY id LIMIT 1',
  deleteSample: 'DELETE FROM samples WHERE id = ?',
} as const;

/** The prepared statements of one open buffer. */
export type Statements = Record<keyof typeof SQL, Database.Statement>;

/** Prepares every statement the sample buffer runs. */
export function prepareStatements(db: Database.Database): Statements {
  const out: Partial<Statements> = {};
  for (const [name, sql] of Object.entries(SQL)) out[name as keyof Statements] = db.prepare(sql);
  return out as Statements;
}
