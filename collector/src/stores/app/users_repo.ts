/** Users and their subscriptions' creation; SQL and row mapping only. */
import type Database from 'better-sqlite3';
import type { Clock } from '../../ports.js';
import { newId } from './ids.js';
import type { NewUser, Page, PageQuery, UserRecord, UsersRepo } from './types.js';
import type { Role, UserStatus } from '../../domain/accounts/plans.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  company: string | null;
  phone: string | null;
  password_hash: string;
  role: UserRecord['role'];
  status: UserRecord['status'];
  plan: UserRecord['plan'];
  token_version: number;
  created_at: string;
  updated_at: string;
}

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    company: r.company,
    phone: r.phone,
    passwordHash: r.password_hash,
    role: r.role,
    status: r.status,
    plan: r.plan,
    tokenVersion: r.token_version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The users repository plus the hook other repositories call after writing a user row. */
export type UsersRepoImpl = UsersRepo & { invalidate(id: string): void };

const CACHE_MAX = 10_000;

/**
 * Builds the users repository over an open database. byId is on every authenticated request, so
 * rows are cached; every write through this store drops the cached row (single-process SQLite).
 */
export function createUsersRepo(db: Database.Database, clock: Clock): UsersRepoImpl {
  const s = {
    insert: db.prepare(`INSERT INTO users (id, email, name, company, phone, password_hash, role, status, plan,
      token_version, created_at, updated_at) VALUES (@id, @email, @name, @company, @phone, @password_hash, @role,
      @status, @plan, 0, @at, @at) ON CONFLICT (email) DO NOTHING`),
    insertSub: db.prepare(`INSERT INTO subscriptions (id, tenant_id, plan, status, discount_pct, created_at, updated_at)
      VALUES (?, ?, ?, ?, 0, ?, ?)`),
    byId: db.prepare('SELECT * FROM users WHERE id = ?'),
    byEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
    profile: db.prepare(`UPDATE users SET name = coalesce(@name, name),
      company = CASE WHEN @set_company THEN @company ELSE company END,
      phone = CASE WHEN @set_phone THEN @phone ELSE phone END, updated_at = @at WHERE id = @id`),
    password: db.prepare(`UPDATE users SET password_hash = ?, token_version = token_version + 1, updated_at = ?
      WHERE id = ?`),
    role: db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?'),
    status: db.prepare('UPDATE users SET status = ?, updated_at = ? WHERE id = ?'),
    anyAdmin: db.prepare("SELECT * FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1"),
    list: db.prepare(`SELECT u.*, s.id AS subscription_id FROM users u LEFT JOIN subscriptions s ON s.tenant_id = u.id
      WHERE (@status IS NULL OR u.status = @status) ORDER BY u.created_at, u.id LIMIT @limit OFFSET @offset`),
    count: db.prepare('SELECT count(*) AS n FROM users WHERE (@status IS NULL OR status = @status)'),
  };
  const get = (stmt: Database.Statement, arg: string) => {
    const row = stmt.get(arg) as UserRow | undefined;
    return row ? toUser(row) : null;
  };
  const cache = new Map<string, UserRecord>();
  const invalidate = (id: string) => void cache.delete(id);
  const byId = (id: string): UserRecord | null => {
    const hit = cache.get(id);
    if (hit) return hit;
    const user = get(s.byId, id);
    if (user) {
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(id, Object.freeze(user));
    }
    return user;
  };

  const create = db.transaction((u: NewUser): UserRecord | null => {
    const id = newId('usr');
    const at = clock.now().toISOString();
    const plan = u.plan ?? 'free';
    const res = s.insert.run({
      id, email: u.email, name: u.name, company: u.company ?? null, phone: u.phone ?? null,
      password_hash: u.passwordHash, role: u.role ?? 'user', status: u.status ?? 'active', plan, at,
    });
    if (res.changes === 0) return null;
    s.insertSub.run(newId('sub'), id, plan, 'active', at, at);
    return get(s.byId, id);
  });

  return {
    invalidate,
    create,
    byId,
    byEmail: (email) => get(s.byEmail, email),
    updateProfile(id, f) {
      invalidate(id);
      s.profile.run({
        id, name: f.name ?? null, at: clock.now().toISOString(),
        set_company: f.company !== undefined ? 1 : 0, company: f.company ?? null,
        set_phone: f.phone !== undefined ? 1 : 0, phone: f.phone ?? null,
      });
      return byId(id);
    },
    setPassword(id, hash) {
      invalidate(id);
      s.password.run(hash, clock.now().toISOString(), id);
      return byId(id);
    },
    setRole(id: string, role: Role) {
      invalidate(id);
      s.role.run(role, clock.now().toISOString(), id);
    },
    setStatus(id: string, status: UserStatus) {
      invalidate(id);
      s.status.run(status, clock.now().toISOString(), id);
    },
    list(q: PageQuery & { status?: UserStatus }): Page<UserRecord & { subscriptionId: string | null }> {
      const status = q.status ?? null;
      const rows = s.list.all({ status, limit: q.perPage, offset: (q.page - 1) * q.perPage }) as (UserRow & {
        subscription_id: string | null;
      })[];
      const total = (s.count.get({ status }) as { n: number }).n;
      return { rows: rows.map((r) => ({ ...toUser(r), subscriptionId: r.subscription_id })), total };
    },
    anyAdmin: () => {
      const row = s.anyAdmin.get() as UserRow | undefined;
      return row ? toUser(row) : null;
    },
  };
}
