/**
 * Records and repository contracts of the app store. The REST API and the composition root see
 * only these interfaces, so a PostgreSQL implementation can follow without touching them.
 */
import type { Plan, Role, SubscriptionStatus, UserStatus } from '../../domain/accounts/plans.js';
import type { ApiKeyPrincipal, FleetRegistry, KeyAuthenticator } from '../../ports.js';
import type { GpuSample, ProcessSample } from '@gpuoptimizer/shared';

/** A user row; the user's id is also their tenant id. */
export interface UserRecord {
  id: string;
  email: string;
  name: string;
  company: string | null;
  phone: string | null;
  passwordHash: string;
  role: Role;
  status: UserStatus;
  plan: Plan;
  tokenVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** Fields needed to create a user. */
export interface NewUser {
  email: string;
  name: string;
  company?: string | null;
  phone?: string | null;
  passwordHash: string;
  role?: Role;
  status?: UserStatus;
  plan?: Plan;
}

/** A page request: 1-based page and page size. */
export interface PageQuery {
  page: number;
  perPage: number;
}

/** One page of rows and the total across all pages. */
export interface Page<T> {
  rows: T[];
  total: number;
}

/** Users and their credentials. */
export interface UsersRepo {
  /** Creates a user and their free subscription; null when the email is taken. */
  create(user: NewUser): UserRecord | null;
  byId(id: string): UserRecord | null;
  byEmail(email: string): UserRecord | null;
  updateProfile(id: string, fields: { name?: string; company?: string | null; phone?: string | null }): UserRecord | null;
  /** Sets a new password hash and bumps token_version, revoking earlier tokens. */
  setPassword(id: string, passwordHash: string): UserRecord | null;
  setRole(id: string, role: Role): void;
  setStatus(id: string, status: UserStatus): void;
  list(q: PageQuery & { status?: UserStatus }): Page<UserRecord & { subscriptionId: string | null }>;
  anyAdmin(): UserRecord | null;
}

/** An API key row (never the raw key). */
export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string;
  scope: 'api' | 'agent';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** API keys: mint, list, revoke, authenticate. */
export interface ApiKeysRepo extends KeyAuthenticator {
  /** Creates a key and returns its record and the raw key (the only time it exists in clear). */
  create(tenantId: string, name: string, scope: 'api' | 'agent'): { record: ApiKeyRecord; raw: string };
  list(tenantId: string, q: PageQuery): Page<ApiKeyRecord>;
  /** Revokes a key of this tenant; null when the tenant has no such key. */
  revoke(tenantId: string, id: string): ApiKeyRecord | null;
  activeByScope(tenantId: string, scope: 'api' | 'agent'): ApiKeyRecord[];
  authenticateKey(rawKey: string): ApiKeyPrincipal | null;
}

/** Where a GPU record came from. */
export type GpuSource = 'agent' | 'manual';

/** A GPU row without its reading (what a listing needs). */
export interface GpuSummary {
  id: string;
  tenantId: string;
  uuid: string | null;
  name: string;
  model: string | null;
  provider: string | null;
  instanceType: string | null;
  region: string | null;
  zone: string | null;
  lifecycle: string | null;
  hostId: string | null;
  hostname: string | null;
  memoryTotalMib: number | null;
  source: GpuSource;
  hasCredentials: boolean;
  lastUtilization: number | null;
  lastSeenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A GPU row with its latest reading and the processes that reading saw. */
export interface GpuRecord extends GpuSummary {
  lastReading: GpuSample | null;
  lastProcesses: ProcessSample[];
}

/** Fields of a GPU added by hand (no agent). */
export interface NewManualGpu {
  name: string;
  provider: string;
  instanceType: string;
  region: string | null;
  zone?: string | null;
  credentials: { accessKey: string; secretKey: string } | null;
}

/** How a listing filters on liveness: the API decides the thresholds, the store applies them. */
export interface GpuListQuery extends PageQuery {
  provider?: string;
  status?: 'active' | 'idle' | 'offline';
  /** Seen at or after this instant counts as online. */
  onlineSince: string;
  /** Online with utilisation below this (or unknown) counts as idle. */
  idleBelowPct: number;
}

/** A GPU's host, as the agent reported it. */
export interface HostRecord {
  id: string;
  tenantId: string;
  agentId: string | null;
  hostname: string;
  os: string | null;
  info: Record<string, unknown>;
  cloud: Record<string, unknown> | null;
  lastSeenAt: string;
}

/** GPUs and hosts of a tenant. */
export interface GpusRepo extends FleetRegistry {
  /** A number that changes whenever any of the tenant's GPUs or hosts change (for response caches). */
  revision(tenantId: string): number;
  list(tenantId: string, q: GpuListQuery): Page<GpuSummary>;
  byId(tenantId: string, id: string): GpuRecord | null;
  host(tenantId: string, hostId: string): HostRecord | null;
  createManual(tenantId: string, gpu: NewManualGpu): GpuRecord;
  update(tenantId: string, id: string, fields: Partial<Omit<NewManualGpu, 'credentials'>> & { credentials?: NewManualGpu['credentials'] }): GpuRecord | null;
  /** Soft-deletes; a GPU whose agent reports again comes back. */
  remove(tenantId: string, id: string): boolean;
  /** Decrypted cloud credentials, for integrations only (never for an API response). */
  credentials(tenantId: string, id: string): { accessKey: string; secretKey: string } | null;
}

/** A subscription row. */
export interface SubscriptionRecord {
  id: string;
  tenantId: string;
  plan: Plan;
  status: SubscriptionStatus;
  discountPct: number;
  createdAt: string;
  updatedAt: string;
}

/** Subscriptions; changing one also changes the owner's plan (which sets their rate limit). */
export interface SubscriptionsRepo {
  byId(id: string): SubscriptionRecord | null;
  byTenant(tenantId: string): SubscriptionRecord | null;
  update(id: string, fields: { plan?: Plan; status?: SubscriptionStatus; discountPct?: number }, actorId: string): SubscriptionRecord | null;
}

/** One audited action. */
export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  detail: Record<string, unknown>;
}

/** Append-only audit log. */
export interface AuditRepo {
  record(entry: Omit<AuditEntry, 'id' | 'at'>): void;
  forTarget(targetType: string, targetId: string): AuditEntry[];
}

/** Small encrypted key-value settings (the local agent's key lives here). */
export interface SettingsRepo {
  getSecret(key: string): string | null;
  putSecret(key: string, value: string): void;
}

/** The repositories the REST API is handed. */
export interface AppRepos {
  users: UsersRepo;
  apiKeys: ApiKeysRepo;
  gpus: GpusRepo;
  subscriptions: SubscriptionsRepo;
  audit: AuditRepo;
}
