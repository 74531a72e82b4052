/** Opens the SQLite app store (WAL), applies migrations and builds every repository. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock, ServiceHealth } from '../../ports.js';
import { createApiKeysRepo } from './api_keys_repo.js';
import { createGpusRepo } from './gpus_repo.js';
import { migrate } from './migrations/index.js';
import { createSecretBox } from './secret_box.js';
import { createSettingsRepo } from './settings_repo.js';
import { createAuditRepo, createSubscriptionsRepo } from './subscriptions_repo.js';
import type { AppRepos, SettingsRepo } from './types.js';
import { createUsersRepo } from './users_repo.js';

/** Where and how to open the store. */
export interface AppStoreOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** 32-byte AES-256-GCM key (see resolveEncryptionKey). */
  encryptionKey: Buffer;
  clock?: Clock;
}

/** The open store: its repositories plus lifecycle. */
export interface AppStore extends AppRepos {
  settings: SettingsRepo;
  clock: Clock;
  /** A cheap query; reports latency, or unhealthy with the error. */
  ping(): ServiceHealth;
  close(): void;
}

const systemClock: Clock = { now: () => new Date() };

/** Opens (creating if needed) the app store at `path`. */
export function openAppStore(opts: AppStoreOptions): AppStore {
  const clock = opts.clock ?? systemClock;
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, clock.now().toISOString());
  const box = createSecretBox(opts.encryptionKey);
  const audit = createAuditRepo(db, clock);
  const pingStmt = db.prepare('SELECT 1 AS ok');
  const users = createUsersRepo(db, clock);
  let closed = false;
  return {
    users,
    apiKeys: createApiKeysRepo(db, clock),
    gpus: createGpusRepo(db, clock, box),
    subscriptions: createSubscriptionsRepo(db, clock, audit, users.invalidate),
    audit,
    settings: createSettingsRepo(db, clock, box),
    clock,
    ping() {
      const t0 = performance.now();
      try {
        pingStmt.get();
        return { status: 'healthy', latency_ms: Math.round((performance.now() - t0) * 1000) / 1000 };
      } catch (err) {
        return { status: 'unhealthy', latency_ms: null, error: (err as Error).message };
      }
    },
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
