/** Encrypted key-value settings; each value is sealed with its key as associated data. */
import type Database from 'better-sqlite3';
import type { Clock } from '../../ports.js';
import type { SecretBox } from './secret_box.js';
import type { SettingsRepo } from './types.js';

/** Builds the settings repository. */
export function createSettingsRepo(db: Database.Database, clock: Clock, box: SecretBox): SettingsRepo {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?');
  const put = db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  return {
    getSecret(key) {
      const row = get.get(key) as { value: Buffer } | undefined;
      if (!row) return null;
      try {
        return box.open(row.value, `settings:${key}`);
      } catch {
        // Sealed under another key (ENCRYPTION_KEY changed): treat as absent so it is recreated.
        return null;
      }
    },
    putSecret(key, value) {
      put.run(key, box.seal(value, `settings:${key}`), clock.now().toISOString());
    },
  };
}
