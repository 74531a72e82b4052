/**
 * The agent's settings: one table (flag, environment variable, config-file key, default,
 * help), resolved once at start-up by shared's resolver (flag > environment > config file >
 * default) and validated into a typed AgentConfig. A mistake is a SettingsError whose one
 * line says which setting and why; the CLI prints it and exits 2.
 */
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDurationMs, readSettingsFile, resolveSettings, SettingsError, type SettingSpec, type SettingValue } from '@gpuoptimizer/shared';
import { LOG_LEVELS, type LogLevel } from './log.js';
import type { SamplerOptions } from './scrapers/types.js';

/** The agent's commands. */
export type Command = 'run' | 'once' | 'status' | 'version';

/** Directory the .deb and install script create; used for the buffer when writable. */
export const SYSTEM_DATA_DIR = '/var/lib/gpuoptimizer';

const s = (spec: SettingSpec): SettingSpec => spec;

/** Every agent setting. Config-file keys are the `key`s (snake_case; kebab-case also accepted). */
export const AGENT_SETTINGS: readonly SettingSpec[] = [
  s({ key: 'config', flag: 'config', env: 'GPUOPT_CONFIG', kind: 'string', help: 'YAML or JSON file with any of these settings (keys in snake_case)' }),
  s({ key: 'collector', flag: 'collector', env: 'GPUOPT_COLLECTOR', kind: 'string', default: '127.0.0.1:50051', help: "collector's gRPC address, host:port" }),
  s({ key: 'api_key', flag: 'api-key', env: 'GPUOPT_API_KEY', kind: 'string', secret: true, help: 'agent API key (sent as a bearer token, never logged)' }),
  s({ key: 'insecure', flag: 'insecure', env: 'GPUOPT_INSECURE', kind: 'bool', default: false, help: 'plaintext gRPC (no TLS); only for loopback or trusted networks' }),
  s({ key: 'ca', flag: 'ca', env: 'GPUOPT_CA', kind: 'string', help: "PEM file of the CA that signed the collector's certificate (default: system CAs)" }),
  s({ key: 'interval', flag: 'interval', env: 'GPUOPT_INTERVAL', kind: 'duration', default: '5s', help: 'sampling interval, e.g. 1s or 250ms' }),
  s({ key: 'nvidia_smi', flag: 'nvidia-smi', env: 'GPUOPT_NVIDIA_SMI', kind: 'string', default: 'nvidia-smi', help: 'path to nvidia-smi' }),
  s({ key: 'buffer', flag: 'buffer', env: 'GPUOPT_BUFFER', kind: 'string', help: `buffer file (default: ${SYSTEM_DATA_DIR}/buffer.db when that directory is writable, else ./data/agent-buffer.db)` }),
  s({ key: 'buffer_max_mb', flag: 'buffer-max-mb', env: 'GPUOPT_BUFFER_MAX_MB', kind: 'int', default: 512, help: 'bound on buffered sample bytes, MiB; oldest dropped first' }),
  s({ key: 'buffer_max_age', flag: 'buffer-max-age', env: 'GPUOPT_BUFFER_MAX_AGE', kind: 'duration', default: '7d', help: 'samples older than this are dropped unsent' }),
  s({ key: 'agent_id', flag: 'agent-id', env: 'GPUOPT_AGENT_ID', kind: 'string', help: 'agent id (default: generated once, kept in the buffer file)' }),
  s({ key: 'cloud_provider', flag: 'cloud-provider', env: 'GPUOPT_CLOUD_PROVIDER', kind: 'string', default: 'auto', help: 'auto, none, aws, gcp, azure or on_prem' }),
  s({ key: 'instance_type', flag: 'instance-type', env: 'GPUOPT_INSTANCE_TYPE', kind: 'string', help: 'instance type override (on-premise hosts)' }),
  s({ key: 'region', flag: 'region', env: 'GPUOPT_REGION', kind: 'string', help: 'region override' }),
  s({ key: 'aws_metadata_url', flag: 'aws-metadata-url', env: 'GPUOPT_AWS_METADATA_URL', kind: 'string', help: 'AWS IMDS base URL' }),
  s({ key: 'gcp_metadata_url', flag: 'gcp-metadata-url', env: 'GPUOPT_GCP_METADATA_URL', kind: 'string', help: 'GCP metadata server base URL' }),
  s({ key: 'azure_metadata_url', flag: 'azure-metadata-url', env: 'GPUOPT_AZURE_METADATA_URL', kind: 'string', help: 'Azure IMDS base URL' }),
  s({ key: 'dmi_dir', flag: 'dmi-dir', env: 'GPUOPT_DMI_DIR', kind: 'string', help: 'DMI directory that decides which cloud to ask (default /sys/class/dmi/id)' }),
  s({ key: 'batch_max_samples', flag: 'batch-max-samples', env: 'GPUOPT_BATCH_MAX_SAMPLES', kind: 'int', default: 500, help: 'samples per batch at most' }),
  s({ key: 'batch_delay', flag: 'batch-delay', env: 'GPUOPT_BATCH_DELAY', kind: 'duration', default: '1s', help: 'longest a sample waits for its batch to fill' }),
  s({ key: 'max_in_flight', flag: 'max-in-flight', env: 'GPUOPT_MAX_IN_FLIGHT', kind: 'int', default: 8, help: 'batches sent and not yet acked, at most' }),
  s({ key: 'shutdown_timeout', flag: 'shutdown-timeout', env: 'GPUOPT_SHUTDOWN_TIMEOUT', kind: 'duration', default: '5s', help: 'on SIGTERM, how long to keep sending before exit' }),
  s({ key: 'metrics_addr', flag: 'metrics-addr', env: 'GPUOPT_METRICS_ADDR', kind: 'string', help: 'serve Prometheus /metrics on host:port (default: off)' }),
  s({ key: 'log_level', flag: 'log-level', env: 'GPUOPT_LOG_LEVEL', kind: 'string', help: 'debug, info, warn or error (default: info for run, warn otherwise)' }),
];

const SAMPLER_KEYS = ['interval', 'nvidia_smi', 'agent_id', 'cloud_provider', 'instance_type', 'region', 'aws_metadata_url', 'gcp_metadata_url', 'azure_metadata_url', 'dmi_dir'];

/** Which settings each command takes as flags (the environment and config file may hold any). */
export const COMMAND_KEYS: Record<Command, readonly string[]> = {
  run: AGENT_SETTINGS.map((x) => x.key),
  once: ['config', 'buffer', 'log_level', ...SAMPLER_KEYS],
  status: ['config', 'buffer', 'log_level'],
  version: [],
};

/** The settings of one command. */
export function commandSettings(command: Command): SettingSpec[] {
  const keys = new Set(COMMAND_KEYS[command]);
  return AGENT_SETTINGS.filter((x) => keys.has(x.key));
}

/** Resolved, validated settings. */
export interface AgentConfig {
  configFile: string | undefined;
  collector: string;
  apiKey: string | undefined;
  insecure: boolean;
  caFile: string | undefined;
  intervalMs: number;
  nvidiaSmiPath: string;
  bufferPath: string;
  bufferMaxBytes: number;
  bufferMaxAgeMs: number;
  agentId: string | undefined;
  cloudProvider: SamplerOptions['cloudProvider'];
  instanceType: string | undefined;
  region: string | undefined;
  awsMetadataUrl: string | undefined;
  gcpMetadataUrl: string | undefined;
  azureMetadataUrl: string | undefined;
  dmiDir: string | undefined;
  batchMaxSamples: number;
  batchDelayMs: number;
  maxInFlight: number;
  shutdownTimeoutMs: number;
  metricsAddr: string | undefined;
  logLevel: LogLevel;
}

/** The buffer file used when none is configured. */
export function defaultBufferPath(cwd = process.cwd(), systemDir = SYSTEM_DATA_DIR): string {
  try {
    accessSync(systemDir, constants.W_OK);
    return join(systemDir, 'buffer.db');
  } catch {
    return resolve(cwd, 'data', 'agent-buffer.db');
  }
}

/** Reads a YAML/JSON config file into a flat map of the agent's setting keys. */
export function readConfigFile(path: string): Record<string, unknown> {
  return readSettingsFile(path, AGENT_SETTINGS);
}

/** Resolves and validates the settings of `command`. Throws SettingsError on any mistake. */
export function loadConfig(
  command: Command,
  flags: ReadonlyMap<string, string | true>,
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
): AgentConfig {
  const configFlag = flags.get('config');
  const configFile = typeof configFlag === 'string' ? configFlag : env['GPUOPT_CONFIG'] || undefined;
  if (configFlag === true) throw new SettingsError('flag --config needs a value');
  const file = configFile ? readConfigFile(resolve(cwd, configFile)) : {};
  const extra = command === 'once' || command === 'status' ? ['help', 'json'] : ['help'];
  // Every setting resolves (the environment and file may hold any); only this command's are flags.
  const allowed = new Set(commandSettings(command).map((x) => x.flag));
  for (const name of flags.keys()) {
    if (!allowed.has(name) && !extra.includes(name)) throw new SettingsError(`unknown flag --${name} for "${command}" (see ${command} --help)`);
  }
  const v = resolveSettings(AGENT_SETTINGS, flags, env, file, [...extra, ...AGENT_SETTINGS.map((x) => x.flag)]);
  return validate(command, v, configFile, cwd);
}

const PROVIDERS = ['auto', 'none', 'aws', 'gcp', 'azure', 'on_prem'] as const;

function str(v: SettingValue): string | undefined {
  return v === undefined || v === '' ? undefined : String(v);
}

/** Defaults come back from the resolver as written in the table ('5s'), so parse them too. */
function ms(v: SettingValue): number {
  return typeof v === 'string' ? parseDurationMs(v) : Number(v);
}

function inRange(name: string, n: number, min: number, max: number, unit = ''): number {
  if (!Number.isFinite(n) || n < min || n > max) throw new SettingsError(`--${name}: must be between ${min}${unit} and ${max}${unit} (got ${n}${unit})`);
  return n;
}

function validate(command: Command, v: Record<string, SettingValue>, configFile: string | undefined, cwd: string): AgentConfig {
  const collector = String(v['collector']);
  if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s/]+):\d{1,5}$/.test(collector)) {
    throw new SettingsError(`--collector: expected host:port, e.g. 127.0.0.1:50051 (got ${JSON.stringify(collector)})`);
  }
  const provider = String(v['cloud_provider']);
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw new SettingsError(`--cloud-provider: expected one of ${PROVIDERS.join(', ')} (got ${JSON.stringify(provider)})`);
  const logLevel = str(v['log_level']) ?? (command === 'run' ? 'info' : 'warn');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new SettingsError(`--log-level: expected one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(logLevel)})`);
  const buffer = str(v['buffer']);
  return {
    configFile,
    collector,
    apiKey: str(v['api_key']),
    insecure: v['insecure'] === true,
    caFile: str(v['ca']) === undefined ? undefined : resolve(cwd, String(v['ca'])),
    intervalMs: inRange('interval', ms(v['interval']), 50, 3_600_000, ' ms'),
    nvidiaSmiPath: String(v['nvidia_smi']),
    bufferPath: buffer === undefined ? defaultBufferPath(cwd) : resolve(cwd, buffer),
    bufferMaxBytes: inRange('buffer-max-mb', Number(v['buffer_max_mb']), 1, 1_048_576) * 1024 * 1024,
    bufferMaxAgeMs: inRange('buffer-max-age', ms(v['buffer_max_age']), 60_000, 365 * 86_400_000, ' ms'),
    agentId: str(v['agent_id']),
    cloudProvider: provider as SamplerOptions['cloudProvider'],
    instanceType: str(v['instance_type']),
    region: str(v['region']),
    awsMetadataUrl: str(v['aws_metadata_url']),
    gcpMetadataUrl: str(v['gcp_metadata_url']),
    azureMetadataUrl: str(v['azure_metadata_url']),
    dmiDir: str(v['dmi_dir']),
    batchMaxSamples: inRange('batch-max-samples', Number(v['batch_max_samples']), 1, 10_000),
    batchDelayMs: inRange('batch-delay', ms(v['batch_delay']), 0, 600_000, ' ms'),
    maxInFlight: inRange('max-in-flight', Number(v['max_in_flight']), 1, 256),
    shutdownTimeoutMs: inRange('shutdown-timeout', ms(v['shutdown_timeout']), 0, 600_000, ' ms'),
    metricsAddr: str(v['metrics_addr']),
    logLevel: logLevel as LogLevel,
  };
}
