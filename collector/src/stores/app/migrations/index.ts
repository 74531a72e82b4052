/**
 * Versioned migrations, applied in order, each in its own transaction and recorded in
 * `schema_migrations`. Add a module `mNNN_<what>.ts` and append it here; never edit an applied one.
 */
import type Database from 'better-sqlite3';
import { m001Initial } from './m001_initial.js';

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [m001Initial];

/** Applies the migrations not yet recorded; returns the versions applied now. */
export function migrate(db: Database.Database, at: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, at);
    })();
    applied.push(m.version);
  }
  return applied;
}
