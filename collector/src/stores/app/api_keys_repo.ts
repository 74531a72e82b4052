/**
 * API keys. Authentication is one indexed lookup by the key's public prefix and a constant-time
 * hash compare; last_used_at is written at most once a minute per key so the hot path stays a read.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../../ports.js';
import { apiKeyMatches, apiKeyPrefix, mintApiKey } from '../../domain/auth/api_key_format.js';
import { newId } from './ids.js';
import type { ApiKeyRecord, ApiKeysRepo } from './types.js';

interface KeyRow {
  id: string;
  tenant_id: string;
  name: string;
  scope: 'api' | 'agent';
  prefix: string;
  hash: Buffer;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const USED_WRITE_INTERVAL_MS = 60_000;

function toKey(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id, tenantId: r.tenant_id, name: r.name, scope: r.scope, prefix: r.prefix,
    createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
  };
}

/** Builds the API keys repository over an open database. */
export function createApiKeysRepo(db: Database.Database, clock: Clock): ApiKeysRepo {
  const s = {
    insert: db.prepare(`INSERT INTO api_keys (id, tenant_id, name, scope, prefix, hash, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    byId: db.prepare('SELECT * FROM api_keys WHERE id = ? AND tenant_id = ?'),
    byPrefix: db.prepare('SELECT * FROM api_keys WHERE prefix = ?'),
    list: db.prepare('SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?'),
    count: db.prepare('SELECT count(*) AS n FROM api_keys WHERE tenant_id = ?'),
    revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL'),
    active: db.prepare(`SELECT * FROM api_keys WHERE tenant_id = ? AND scope = ? AND revoked_at IS NULL
      ORDER BY created_at`),
    used: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
  };
  const lastWrite = new Map<string, number>();

  function touch(id: string): void {
    const now = clock.now();
    const last = lastWrite.get(id) ?? 0;
    if (now.getTime() - last < USED_WRITE_INTERVAL_MS) return;
    if (lastWrite.size > 100_000) lastWrite.clear();
    lastWrite.set(id, now.getTime());
    s.used.run(now.toISOString(), id);
  }

  return {
    create(tenantId, name, scope) {
      const minted = mintApiKey();
      const id = newId('key');
      s.insert.run(id, tenantId, name, scope, minted.prefix, minted.hash, clock.now().toISOString());
      return { record: toKey(s.byId.get(id, tenantId) as KeyRow), raw: minted.raw };
    },
    list(tenantId, q) {
      const rows = s.list.all(tenantId, q.perPage, (q.page - 1) * q.perPage) as KeyRow[];
      return { rows: rows.map(toKey), total: (s.count.get(tenantId) as { n: number }).n };
    },
    revoke(tenantId, id) {
      s.revoke.run(clock.now().toISOString(), id, tenantId);
      const row = s.byId.get(id, tenantId) as KeyRow | undefined;
      return row ? toKey(row) : null;
    },
    activeByScope(tenantId, scope) {
      return (s.active.all(tenantId, scope) as KeyRow[]).map(toKey);
    },
    authenticateKey(rawKey) {
      if (typeof rawKey !== 'string') return null;
      const prefix = apiKeyPrefix(rawKey);
      if (!prefix) return null;
      const row = s.byPrefix.get(prefix) as KeyRow | undefined;
      if (!row || row.revoked_at !== null || !apiKeyMatches(rawKey, row.hash)) return null;
      touch(row.id);
      return { tenantId: row.tenant_id, keyId: row.id, scope: row.scope };
    },
  };
}
