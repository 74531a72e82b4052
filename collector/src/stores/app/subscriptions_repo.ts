/** Subscriptions and the audit log. A subscription change also sets the owner's plan, in one transaction. */
import type Database from 'better-sqlite3';
import type { Clock } from '../../ports.js';
import type { AuditEntry, AuditRepo, SubscriptionRecord, SubscriptionsRepo } from './types.js';

interface SubRow {
  id: string;
  tenant_id: string;
  plan: SubscriptionRecord['plan'];
  status: SubscriptionRecord['status'];
  discount_pct: number;
  created_at: string;
  updated_at: string;
}

const toSub = (r: SubRow): SubscriptionRecord => ({
  id: r.id, tenantId: r.tenant_id, plan: r.plan, status: r.status, discountPct: r.discount_pct,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Builds the audit repository. */
export function createAuditRepo(db: Database.Database, clock: Clock): AuditRepo {
  const insert = db.prepare(`INSERT INTO audit_log (at, actor_id, action, target_type, target_id, detail_json)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const forTarget = db.prepare('SELECT * FROM audit_log WHERE target_type = ? AND target_id = ? ORDER BY id');
  return {
    record(e) {
      insert.run(clock.now().toISOString(), e.actorId, e.action, e.targetType, e.targetId, JSON.stringify(e.detail));
    },
    forTarget(type, id) {
      const rows = forTarget.all(type, id) as {
        id: number; at: string; actor_id: string | null; action: string; target_type: string; target_id: string;
        detail_json: string;
      }[];
      return rows.map((r): AuditEntry => ({
        id: r.id, at: r.at, actorId: r.actor_id, action: r.action, targetType: r.target_type, targetId: r.target_id,
        detail: JSON.parse(r.detail_json) as Record<string, unknown>,
      }));
    },
  };
}

/** Builds the subscriptions repository; updates are audited through `audit`. */
export function createSubscriptionsRepo(
  db: Database.Database, clock: Clock, audit: AuditRepo, onUserChanged: (userId: string) => void,
): SubscriptionsRepo {
  const s = {
    byId: db.prepare('SELECT * FROM subscriptions WHERE id = ?'),
    byTenant: db.prepare('SELECT * FROM subscriptions WHERE tenant_id = ?'),
    update: db.prepare(`UPDATE subscriptions SET plan = coalesce(@plan, plan), status = coalesce(@status, status),
      discount_pct = coalesce(@discount, discount_pct), updated_at = @at WHERE id = @id`),
    userPlan: db.prepare('UPDATE users SET plan = ?, updated_at = ? WHERE id = ?'),
  };
  const byId = (id: string) => {
    const row = s.byId.get(id) as SubRow | undefined;
    return row ? toSub(row) : null;
  };
  const update = db.transaction((id: string, f: Parameters<SubscriptionsRepo['update']>[1], actorId: string) => {
    const before = byId(id);
    if (!before) return null;
    const at = clock.now().toISOString();
    s.update.run({ id, plan: f.plan ?? null, status: f.status ?? null, discount: f.discountPct ?? null, at });
    const after = byId(id) as SubscriptionRecord;
    if (after.plan !== before.plan) {
      s.userPlan.run(after.plan, at, after.tenantId);
      onUserChanged(after.tenantId);
    }
    audit.record({
      actorId, action: 'subscription.update', targetType: 'subscription', targetId: id,
      detail: {
        before: { plan: before.plan, status: before.status, discount_pct: before.discountPct },
        after: { plan: after.plan, status: after.status, discount_pct: after.discountPct },
      },
    });
    return after;
  });
  return {
    byId,
    byTenant(tenantId) {
      const row = s.byTenant.get(tenantId) as SubRow | undefined;
      return row ? toSub(row) : null;
    },
    update: (id, f, actorId) => update(id, f, actorId),
  };
}
