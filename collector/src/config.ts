/**
 * The collector's configuration, resolved once at start-up from flags, environment and an optional
 * config file (`--config` / `GPUOPT_COLLECTOR_CONFIG`, YAML or JSON), then handed down.
 */
import { resolve } from 'node:path';
import { readSettingsFile, resolveSettings, SettingsError, type SettingSpec } from '@gpuoptimizer/shared';

/** Every collector setting: flag, environment variable, default and help. */
export const COLLECTOR_SETTINGS: readonly SettingSpec[] = [
  { key: 'host', flag: 'host', env: 'HOST', kind: 'string', default: '127.0.0.1', help: 'address the REST API and gRPC ingest listen on' },
  { key: 'port', flag: 'port', env: 'PORT', kind: 'int', default: 5000, help: 'REST API port' },
  { key: 'grpc_port', flag: 'grpc-port', env: 'GRPC_PORT', kind: 'int', default: 50051, help: 'gRPC ingest port' },
  { key: 'data_dir', flag: 'data-dir', env: 'DATA_DIR', kind: 'string', default: './data', help: 'directory of the embedded stores (SQLite app store, chDB metrics, key file)' },
  { key: 'clickhouse_url', flag: 'clickhouse-url', env: 'CLICKHOUSE_URL', kind: 'string', help: 'ClickHouse server URL; unset = embedded chDB under the data dir' },
  { key: 'clickhouse_user', flag: 'clickhouse-user', env: 'CLICKHOUSE_USER', kind: 'string', default: 'default', help: 'ClickHouse user' },
  { key: 'clickhouse_password', flag: 'clickhouse-password', env: 'CLICKHOUSE_PASSWORD', kind: 'string', secret: true, help: 'ClickHouse password' },
  { key: 'clickhouse_database', flag: 'clickhouse-database', env: 'CLICKHOUSE_DATABASE', kind: 'string', default: 'gpuoptimizer', help: 'ClickHouse database' },
  { key: 'clickhouse_cluster', flag: 'clickhouse-cluster', env: 'CLICKHOUSE_CLUSTER', kind: 'string', help: 'cluster name: ON CLUSTER DDL, Replicated engines, Distributed tables' },
  { key: 'raw_ttl_days', flag: 'raw-ttl-days', env: 'METRICS_RAW_TTL_DAYS', kind: 'int', default: 30, help: 'days raw samples are kept' },
  { key: 'rollup_ttl_days', flag: 'rollup-ttl-days', env: 'METRICS_ROLLUP_TTL_DAYS', kind: 'int', default: 400, help: 'days hourly rollups are kept (at least 13 months)' },
  { key: 'admin_email', flag: 'admin-email', env: 'ADMIN_EMAIL', kind: 'string', default: 'admin@gpuoptimizer.local', help: 'e-mail of the admin created on first start' },
  { key: 'admin_password', flag: 'admin-password', env: 'ADMIN_PASSWORD', kind: 'string', secret: true, help: 'admin password on first start (generated and printed once when unset)' },
  { key: 'jwt_secret', flag: 'jwt-secret', env: 'JWT_SECRET', kind: 'string', secret: true, help: 'HS256 secret for JWTs (generated into the data dir when unset)' },
  { key: 'jwt_ttl', flag: 'jwt-ttl', env: 'JWT_TTL', kind: 'duration', default: '12h', help: 'lifetime of a login token' },
  { key: 'encryption_key', flag: 'encryption-key', env: 'ENCRYPTION_KEY', kind: 'string', secret: true, help: '32-byte key (hex or base64) for secrets at rest (generated into the data dir when unset)' },
  { key: 'tls_cert', flag: 'tls-cert', env: 'TLS_CERT', kind: 'string', help: 'PEM certificate file: serve gRPC ingest over TLS' },
  { key: 'tls_key', flag: 'tls-key', env: 'TLS_KEY', kind: 'string', help: 'PEM private key file for --tls-cert' },
  { key: 'cors_origins', flag: 'cors-origins', env: 'CORS_ORIGINS', kind: 'string', default: 'https://gpuoptimizer.ai,https://app.gpuoptimizer.ai,http://localhost:3000', help: 'comma-separated CORS allowlist' },
  { key: 'body_limit_bytes', flag: 'body-limit-bytes', env: 'BODY_LIMIT_BYTES', kind: 'int', default: 1_048_576, help: 'largest accepted REST request body' },
  { key: 'grpc_max_message_bytes', flag: 'grpc-max-message-bytes', env: 'GRPC_MAX_MESSAGE_BYTES', kind: 'int', default: 16 * 1024 * 1024, help: 'largest accepted ingest batch' },
  { key: 'max_samples_per_batch', flag: 'max-samples-per-batch', env: 'MAX_SAMPLES_PER_BATCH', kind: 'int', default: 10_000, help: 'largest accepted number of samples in one batch' },
  { key: 'log_level', flag: 'log-level', env: 'LOG_LEVEL', kind: 'string', default: 'info', help: 'debug | info | warn | error' },
];

/** The resolved configuration. */
export interface CollectorConfig {
  host: string;
  port: number;
  grpcPort: number;
  dataDir: string;
  clickhouse: { url?: string | undefined; user: string; password?: string | undefined; database: string; cluster?: string | undefined };
  rawTtlDays: number;
  rollupTtlDays: number;
  adminEmail: string;
  adminPassword?: string | undefined;
  jwtSecret?: string | undefined;
  jwtTtlMs: number;
  encryptionKey?: string | undefined;
  tls?: { certFile: string; keyFile: string } | undefined;
  corsOrigins: string[];
  bodyLimitBytes: number;
  grpcMaxMessageBytes: number;
  maxSamplesPerBatch: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Resolves the configuration and checks it, failing fast with a message a person understands. */
export function loadCollectorConfig(flags: ReadonlyMap<string, string | true>, env: Readonly<Record<string, string | undefined>>): CollectorConfig {
  const configPath = flags.get('config') ?? env.GPUOPT_COLLECTOR_CONFIG;
  const file = typeof configPath === 'string' ? readSettingsFile(configPath, COLLECTOR_SETTINGS) : {};
  const v = resolveSettings(COLLECTOR_SETTINGS, flags, env, file, ['help', 'json', 'config']);
  const str = (k: string) => (v[k] === undefined ? undefined : String(v[k]));
  const int = (k: string) => Number(v[k]);
  for (const k of ['port', 'grpc_port']) if (int(k) < 0 || int(k) > 65535) throw new SettingsError(`--${k.replace('_', '-')} must be a port number 0-65535`);
  if (int('rollup_ttl_days') < 395) throw new SettingsError('--rollup-ttl-days must be at least 395 (13 months)');
  if ((str('tls_cert') === undefined) !== (str('tls_key') === undefined)) throw new SettingsError('--tls-cert and --tls-key go together');
  // These names are spliced into DDL (identifiers cannot be bound as parameters): allow identifiers only.
  for (const k of ['clickhouse_database', 'clickhouse_cluster']) {
    const v = str(k);
    if (v !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(v)) throw new SettingsError(`--${k.replace('_', '-')} must be a plain identifier (letters, digits, _), got ${JSON.stringify(v)}`);
  }
  const level = str('log_level') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new SettingsError(`--log-level must be debug, info, warn or error (got ${level})`);
  return {
    host: str('host') ?? '127.0.0.1',
    port: int('port'),
    grpcPort: int('grpc_port'),
    dataDir: resolve(str('data_dir') ?? './data'),
    clickhouse: { url: str('clickhouse_url'), user: str('clickhouse_user') ?? 'default', password: str('clickhouse_password'), database: str('clickhouse_database') ?? 'gpuoptimizer', cluster: str('clickhouse_cluster') },
    rawTtlDays: int('raw_ttl_days'),
    rollupTtlDays: int('rollup_ttl_days'),
    adminEmail: str('admin_email') ?? 'admin@gpuoptimizer.local',
    adminPassword: str('admin_password'),
    jwtSecret: str('jwt_secret'),
    jwtTtlMs: int('jwt_ttl'),
    encryptionKey: str('encryption_key'),
    tls: str('tls_cert') ? { certFile: str('tls_cert') as string, keyFile: str('tls_key') as string } : undefined,
    corsOrigins: (str('cors_origins') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimitBytes: int('body_limit_bytes'),
    grpcMaxMessageBytes: int('grpc_max_message_bytes'),
    maxSamplesPerBatch: int('max_samples_per_batch'),
    logLevel: level as CollectorConfig['logLevel'],
  };
}
