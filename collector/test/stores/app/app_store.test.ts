/** The app store against real SQLite files: migrations, keys, fleet upserts, secrets at rest, bootstrap. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureAdmin, ensureAgentKey, openAppStore, resolveEncryptionKey, type AppStore } from '../../../src/stores/app/index.js';
import { verifyPassword } from '../../../src/domain/auth/password.js';
import { gpuSample, hostInfo, TestClock } from '../../api/harness.js';

let dir: string;
let clock: TestClock;
let key: Buffer;
let store: AppStore;
const open = () => openAppStore({ path: join(dir, 'app.db'), encryptionKey: key, clock });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpo-store-'));
  clock = new TestClock();
  key = randomBytes(32);
  store = open();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const newUser = (email = `u-${randomBytes(4).toString('hex')}@x.io`) =>
  store.users.create({ email, name: 'U', passwordHash: 'scrypt$1$1$1$AA$AA' });

describe('schema', () => {
  it('applies each migration once, records it, and reopens a WAL database without re-running', () => {
    store.close();
    store = open();
    const db = new Database(join(dir, 'app.db'), { readonly: true });
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: 'initial' }]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(store.ping().status).toBe('healthy');
  });
});

describe('users', () => {
  it('keeps emails unique and gives every user a free subscription', () => {
    const u = newUser('a@x.io');
    expect(u?.id).toMatch(/^usr_/);
    expect(newUser('a@x.io')).toBeNull();
    expect(store.subscriptions.byTenant(u?.id ?? '')).toMatchObject({ plan: 'free', status: 'active', discountPct: 0 });
  });
});

describe('API keys', () => {
  it('authenticates by prefix and hash, stores only the hash, and stops at revocation', () => {
    const u = newUser();
    const { record, raw } = store.apiKeys.create(u?.id ?? '', 'k', 'agent');
    expect(store.apiKeys.authenticateKey(raw)).toEqual({ tenantId: u?.id, keyId: record.id, scope: 'agent' });
    expect(readFileSync(join(dir, 'app.db')).includes(Buffer.from(raw))).toBe(false);
    const forged = raw.slice(0, -1) + (raw.endsWith('A') ? 'B' : 'A');
    for (const bad of [forged, '', 'gpo_', raw + 'x', 'x'.repeat(10_000), null as unknown as string]) {
      expect(store.apiKeys.authenticateKey(bad)).toBeNull();
    }
    store.apiKeys.revoke(u?.id ?? '', record.id);
    expect(store.apiKeys.authenticateKey(raw)).toBeNull();
  });

  it('writes last_used_at at most once a minute', () => {
    const u = newUser();
    const { record, raw } = store.apiKeys.create(u?.id ?? '', 'k', 'api');
    store.apiKeys.authenticateKey(raw);
    clock.advance(30_000);
    store.apiKeys.authenticateKey(raw);
    expect(store.apiKeys.list(u?.id ?? '', { page: 1, perPage: 5 }).rows[0]?.lastUsedAt).toBe('2026-01-15T10:30:00.000Z');
    clock.advance(31_000);
    store.apiKeys.authenticateKey(raw);
    expect(store.apiKeys.list(u?.id ?? '', { page: 1, perPage: 5 }).rows[0]?.lastUsedAt).toBe('2026-01-15T10:31:01.000Z');
    expect(record.lastUsedAt).toBeNull();
  });
});

describe('fleet registry', () => {
  it('upserts hosts and GPUs by tenant+uuid, revives a deleted GPU that reports again', () => {
    const u = newUser();
    const t = u?.id ?? '';
    const rep = (util: number) => store.gpus.recordReport({ tenantId: t, agentId: 'a', host: hostInfo(), cloud: null, gpus: [gpuSample('GPU-1', { utilization_gpu_pct: util })], seenAt: clock.now() });
    rep(10);
    clock.advance(1000);
    rep(20);
    const page = store.gpus.list(t, { page: 1, perPage: 10, onlineSince: '', idleBelowPct: 5 });
    expect(page.total).toBe(1);
    expect(page.rows[0]).toMatchObject({ uuid: 'GPU-1', provider: 'on_prem', lastUtilization: 20, lastSeenAt: '2026-01-15T10:30:01.000Z' });
    const id = page.rows[0]?.id ?? '';
    expect(store.gpus.host(t, 'host-1')).toMatchObject({ hostname: 'gpu-07', cloud: null });
    expect(store.gpus.remove(t, id)).toBe(true);
    expect(store.gpus.byId(t, id)).toBeNull();
    clock.advance(1000);
    rep(30);
    expect(store.gpus.byId(t, id)).toMatchObject({ lastUtilization: 30 });
  });

  it('records 1,000 reports of 8 GPUs in well under a second', () => {
    const t = newUser()?.id ?? '';
    const gpus = Array.from({ length: 8 }, (_, i) => gpuSample(`GPU-${i}`, { index: i }));
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      clock.advance(1000);
      store.gpus.recordReport({ tenantId: t, agentId: 'a', host: hostInfo(), cloud: null, gpus, seenAt: clock.now() });
    }
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('secrets at rest', () => {
  it('encrypts cloud credentials (not in the file), and another key cannot read them', () => {
    const t = newUser()?.id ?? '';
    const g = store.gpus.createManual(t, { name: 'g', provider: 'aws', instanceType: 'p3.2xlarge', region: null, credentials: { accessKey: 'AKIAPLAINTEXT', secretKey: 'SECRETPLAINTEXT' } });
    store.close();
    for (const f of ['app.db', 'app.db-wal']) {
      const bytes = (() => { try { return readFileSync(join(dir, f)); } catch { return Buffer.alloc(0); } })();
      expect(bytes.includes(Buffer.from('AKIAPLAINTEXT'))).toBe(false);
      expect(bytes.includes(Buffer.from('SECRETPLAINTEXT'))).toBe(false);
    }
    store = open();
    expect(store.gpus.credentials(t, g.id)).toEqual({ accessKey: 'AKIAPLAINTEXT', secretKey: 'SECRETPLAINTEXT' });
    store.close();
    key = randomBytes(32);
    store = open();
    expect(() => store.gpus.credentials(t, g.id)).toThrow();
  });

  it('resolves the key from ENCRYPTION_KEY, else a generated 0600 key file reused on the next start', () => {
    const file = join(dir, 'keys', 'encryption.key');
    const first = resolveEncryptionKey({ keyFile: file });
    expect(resolveEncryptionKey({ keyFile: file }).equals(first)).toBe(true);
    const hex = randomBytes(32).toString('hex');
    expect(resolveEncryptionKey({ envValue: hex, keyFile: file }).toString('hex')).toBe(hex);
    expect(() => resolveEncryptionKey({ envValue: 'short', keyFile: file })).toThrow(/32 bytes/);
    writeFileSync(join(dir, 'bad.key'), 'nope');
    expect(() => resolveEncryptionKey({ keyFile: join(dir, 'bad.key') })).toThrow();
  });
});

describe('bootstrap', () => {
  it('creates the admin once with a generated password it returns, and never again', async () => {
    const first = await ensureAdmin(store, { email: 'Admin@Example.com' });
    expect(first).toMatchObject({ created: true, user: { email: 'admin@example.com', role: 'admin', plan: 'custom' } });
    expect(first.generatedPassword?.length).toBeGreaterThanOrEqual(20);
    expect(await verifyPassword(first.generatedPassword ?? '', first.user.passwordHash)).toBe(true);
    const again = await ensureAdmin(store, { email: 'admin@example.com', password: 'Other-pass-123' });
    expect(again).toEqual({ user: first.user, created: false });
  });

  it('hands the local agent the same key across restarts, and a new one after revocation', async () => {
    const admin = (await ensureAdmin(store, { email: 'a@x.io', password: 'Admin-pass-123' })).user;
    const first = ensureAgentKey(store, admin.id, 'local agent');
    expect(first.created).toBe(true);
    store.close();
    store = open();
    const second = ensureAgentKey(store, admin.id, 'local agent');
    expect(second).toEqual({ key: first.key, keyId: first.keyId, created: false });
    expect(store.apiKeys.activeByScope(admin.id, 'agent')).toHaveLength(1);
    store.apiKeys.revoke(admin.id, first.keyId);
    const third = ensureAgentKey(store, admin.id, 'local agent');
    expect(third.created).toBe(true);
    expect(third.key).not.toBe(first.key);
  });
});
