/** 001: accounts, API keys, hosts, GPUs, subscriptions, audit log, settings. */
import type { Migration } from './index.js';

export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  company TEXT,
  phone TEXT,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
  status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'trial')),
  plan TEXT NOT NULL CHECK (plan IN ('free', 'professional', 'enterprise', 'custom')),
  token_version INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX users_status_created ON users (status, created_at);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('api', 'agent')),
  prefix TEXT NOT NULL UNIQUE,
  hash BLOB NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE hosts (
  tenant_id TEXT NOT NULL REFERENCES users (id),
  id TEXT NOT NULL,
  agent_id TEXT,
  hostname TEXT NOT NULL,
  os TEXT,
  info_json TEXT NOT NULL,
  cloud_json TEXT,
  last_seen_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE TABLE gpus (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES users (id),
  uuid TEXT,
  name TEXT,
  model TEXT,
  provider TEXT,
  instance_type TEXT,
  region TEXT,
  zone TEXT,
  lifecycle TEXT,
  host_id TEXT,
  hostname TEXT,
  memory_total_mib INTEGER,
  source TEXT NOT NULL CHECK (source IN ('agent', 'manual')),
  credentials BLOB,
  last_reading_json TEXT,
  last_processes_json TEXT,
  last_utilization REAL,
  last_seen_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX gpus_tenant_uuid ON gpus (tenant_id, uuid);
CREATE INDEX gpus_tenant_created ON gpus (tenant_id, deleted_at, created_at);

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL UNIQUE REFERENCES users (id),
  plan TEXT NOT NULL CHECK (plan IN ('free', 'professional', 'enterprise', 'custom')),
  status TEXT NOT NULL CHECK (status IN ('active', 'trial', 'past_due', 'canceled', 'inactive')),
  discount_pct REAL NOT NULL DEFAULT 0 CHECK (discount_pct >= 0 AND discount_pct <= 100),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  detail_json TEXT NOT NULL
);
CREATE INDEX audit_target ON audit_log (target_type, target_id, id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL,
  updated_at TEXT NOT NULL
);
`,
};
