/**
 * Opening the buffer's SQLite file: pragmas, schema, and setting aside a file that SQLite
 * says is corrupt (or that is not ours) so the agent starts fresh instead of crash-looping.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { LogFn } from '../log.js';

/** Schema version stored in PRAGMA user_version. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS samples (
  id        INTEGER PRIMARY KEY,
  ts_ms     INTEGER NOT NULL,
  batch_seq INTEGER,
  bytes     BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_by_batch ON samples(batch_seq) WHERE batch_seq IS NOT NULL;
CREATE INDEX IF NOT EXISTS samples_unbatched ON samples(id) WHERE batch_seq IS NULL;
CREATE TABLE IF NOT EXISTS batches (
  seq        INTEGER PRIMARY KEY,
  agent_id   TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  samples    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
`;

/** Raised when the file opens but is not a buffer this agent can use. */
export class CorruptBufferError extends Error {
  override name = 'CorruptBufferError';
}

/** True for errors that mean "this file is damaged", as opposed to "the disk is full". */
export function isCorruption(err: unknown): boolean {
  if (err instanceof CorruptBufferError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit reaches the OS before it returns, so a process crash
  // (kill -9, OOM) loses nothing; a power loss may roll back the last few commits but never
  // corrupts the file. The one commit that must survive power loss too, forming a batch
  // (its seq may reach the collector), is made with FULL: see SampleBuffer.formBatch.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_size_limit = 67108864');
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new CorruptBufferError(`buffer schema version ${version} is newer than this agent's ${SCHEMA_VERSION}`);
  }
  const check = db.pragma('quick_check', { simple: true }) as string;
  if (check !== 'ok') throw new CorruptBufferError(`quick_check: ${check}`);
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

function openOnce(path: string): Database.Database {
  const db = new Database(path);
  try {
    configure(db);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Renames a damaged buffer file (and its WAL) to `<file>.corrupt-<ts>`; returns the new name. */
export function setAside(path: string, now: Date): string {
  const aside = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  if (existsSync(`${path}-wal`)) renameSync(`${path}-wal`, `${aside}-wal`);
  rmSync(`${path}-shm`, { force: true });
  return aside;
}

/**
 * Opens (creating if needed) the buffer file. A corrupt file is set aside, logged, and a
 * fresh one is created in its place; any other error (permissions, disk) is thrown.
 */
export function openBufferDb(path: string, log: LogFn, now: () => Date): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  try {
    return openOnce(path);
  } catch (err) {
    if (!isCorruption(err)) throw err;
    const aside = setAside(path, now());
    log('error', 'buffer file is corrupt: set aside, starting a fresh buffer', {
      path,
      set_aside_as: aside,
      error: err instanceof Error ? err.message : String(err),
    });
    return openOnce(path);
  }
}
