/** First-start helpers: the admin account and the local agent's API key. */
import { generatePassword, hashPassword, passwordProblem } from '../../domain/auth/password.js';
import { normaliseEmail } from '../../domain/accounts/profile.js';
import type { AppStore } from './open_app_store.js';
import type { UserRecord } from './types.js';

const LOCAL_AGENT_KEY = 'local_agent_key';

/** What ensureAdmin did; `generatedPassword` is set only when it made one (print it once). */
export interface EnsuredAdmin {
  user: UserRecord;
  created: boolean;
  generatedPassword?: string;
}

/**
 * Creates the admin unless one exists. An existing non-admin user with that email is promoted
 * (their password untouched). Throws when a given password breaks the policy.
 */
export async function ensureAdmin(store: AppStore, opts: { email: string; password?: string }): Promise<EnsuredAdmin> {
  const existing = store.users.anyAdmin();
  if (existing) return { user: existing, created: false };
  const email = normaliseEmail(opts.email);
  const holder = store.users.byEmail(email);
  if (holder) {
    store.users.setRole(holder.id, 'admin');
    return { user: store.users.byId(holder.id) as UserRecord, created: false };
  }
  const password = opts.password ?? generatePassword();
  const problem = passwordProblem(password);
  if (problem) throw new Error(`ADMIN_PASSWORD ${problem}`);
  const user = store.users.create({
    email, name: 'Administrator', passwordHash: await hashPassword(password), role: 'admin', plan: 'custom',
  });
  if (!user) throw new Error(`could not create the admin ${email}`);
  return opts.password ? { user, created: true } : { user, created: true, generatedPassword: password };
}

/**
 * The local agent's raw key: the one stored (encrypted) from an earlier start when it still
 * authenticates for this tenant, else a new `agent` key, whose raw value is then stored encrypted.
 */
export function ensureAgentKey(store: AppStore, tenantId: string, name: string): { key: string; keyId: string; created: boolean } {
  const kept = store.settings.getSecret(LOCAL_AGENT_KEY);
  if (kept) {
    const principal = store.apiKeys.authenticateKey(kept);
    if (principal && principal.tenantId === tenantId && principal.scope === 'agent') {
      return { key: kept, keyId: principal.keyId, created: false };
    }
  }
  const { record, raw } = store.apiKeys.create(tenantId, name, 'agent');
  store.settings.putSecret(LOCAL_AGENT_KEY, raw);
  return { key: raw, keyId: record.id, created: true };
}
