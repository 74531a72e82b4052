/**
 * `gpuoptimizer-agent` commands: argument parsing, help, and the short-lived commands
 * (`once`, `status`, `version`). The daemon (`run`) is composed in main.ts and handed in,
 * so this file never imports the scrapers. Exit codes: 0 ok, 1 fatal, 2 usage or settings.
 */
import { randomBytes } from 'node:crypto';
import { parseArgv, settingsHelp, SettingsError, type SampleDocument } from '@gpuoptimizer/shared';
import { readBufferStatus, readPersistedAgentId, type BufferStatus } from './buffer/status.js';
import { commandSettings, loadConfig, type AgentConfig, type Command } from './config.js';
import { createLogger, type LogFn } from './log.js';
import type { Sampler, SamplerOptions } from './scrapers/types.js';
import { AGENT_VERSION, gitCommit } from './version.js';

/** What the CLI needs from its host process; tests hand in fakes. */
export interface CliDeps {
  env: Readonly<Record<string, string | undefined>>;
  out: (text: string) => void;
  err: (text: string) => void;
  cwd?: string;
  loadSampler: () => Promise<(opts: SamplerOptions) => Sampler>;
  runAgent: (cfg: AgentConfig, log: LogFn) => Promise<number>;
}

const NAME = 'gpuoptimizer-agent';
const COMMANDS: Record<Command, string> = {
  run: 'run the agent: sample every interval, buffer on disk, ship to the collector',
  once: 'take one sample and print it (--json: the sample document); needs no collector',
  status: "show the buffer's counters (--json for machines); safe while `run` runs",
  version: 'print the version and git commit',
};
const flagRow = (left: string, help: string): string => `${left.padEnd(34)} ${help}`;

function topHelp(): string {
  const cmds = Object.entries(COMMANDS).map(([c, h]) => `  ${c.padEnd(10)} ${h}`);
  return [`Usage: ${NAME} <command> [flags]`, '', 'Commands:', ...cmds, '', `Run \`${NAME} <command> --help\` for its flags.`, 'Every flag also has a GPUOPT_* environment variable and a config-file key.', ''].join('\n');
}

function commandHelp(cmd: Command): string {
  const table = settingsHelp(commandSettings(cmd));
  const json = cmd === 'run' ? [] : [flagRow('  --json', 'print JSON on stdout')];
  return [`Usage: ${NAME} ${cmd} [flags]`, '', COMMANDS[cmd], '', 'Flags:', ...(table ? [table] : []), ...json, flagRow('  --help', 'show this help'), ''].join('\n');
}

/** A fresh agent id: random, so two agents never share one (seqs are per agent id). */
export function newAgentId(): string {
  return `agt_${randomBytes(10).toString('hex')}`;
}

/** The sampler's options, from the settings. */
export function samplerOptions(cfg: AgentConfig, agentId: string, log: LogFn): SamplerOptions {
  return {
    agentId, agentVersion: AGENT_VERSION, nvidiaSmiPath: cfg.nvidiaSmiPath, intervalMs: cfg.intervalMs,
    cloudProvider: cfg.cloudProvider, instanceTypeOverride: cfg.instanceType, regionOverride: cfg.region,
    awsMetadataUrl: cfg.awsMetadataUrl, gcpMetadataUrl: cfg.gcpMetadataUrl, azureMetadataUrl: cfg.azureMetadataUrl,
    dmiDir: cfg.dmiDir, log,
  };
}

/** Runs one CLI invocation; resolves to the process exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const args = parseArgv(argv, new Set(['insecure', 'json', 'help']));
  const cmd = args.command;
  if (cmd === undefined || cmd === 'help') {
    const target = args.positionals[0];
    if (target && target in COMMANDS) deps.out(commandHelp(target as Command));
    else (cmd === undefined && !args.flags.has('help') ? deps.err : deps.out)(topHelp());
    return cmd === undefined && !args.flags.has('help') ? 2 : 0;
  }
  if (!(cmd in COMMANDS)) return usage(deps, `unknown command "${cmd}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  const command = cmd as Command;
  if (args.flags.has('help')) {
    deps.out(commandHelp(command));
    return 0;
  }
  if (args.positionals.length > 0) return usage(deps, `unexpected argument "${args.positionals[0]}" for "${command}"`);
  try {
    if (command === 'version') return version(args.flags, deps);
    const cfg = loadConfig(command, args.flags, deps.env, deps.cwd);
    const log = createLogger({ level: cfg.logLevel, secrets: cfg.apiKey ? [cfg.apiKey] : [] });
    if (command === 'status') return status(cfg, args.flags.has('json'), deps);
    if (command === 'once') return await once(cfg, args.flags.has('json'), log, deps);
    return await deps.runAgent(cfg, log);
  } catch (err) {
    if (err instanceof SettingsError) return usage(deps, err.message);
    deps.err(`${NAME}: fatal: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

function usage(deps: CliDeps, message: string): number {
  deps.err(`${NAME}: ${message}\n`);
  return 2;
}

function version(flags: ReadonlyMap<string, string | true>, deps: CliDeps): number {
  for (const f of flags.keys()) if (f !== 'json') throw new SettingsError(`unknown flag --${f} for "version" (see version --help)`);
  const commit = gitCommit(deps.env);
  if (flags.has('json')) deps.out(JSON.stringify({ version: AGENT_VERSION, commit, node: process.version }) + '\n');
  else deps.out(`${NAME} ${AGENT_VERSION}${commit ? ` (commit ${commit})` : ''} node ${process.version}\n`);
  return 0;
}

function status(cfg: AgentConfig, json: boolean, deps: CliDeps): number {
  const st = readBufferStatus(cfg.bufferPath);
  deps.out(json ? JSON.stringify(st, null, 2) + '\n' : formatStatus(st));
  return 0;
}

async function once(cfg: AgentConfig, json: boolean, log: LogFn, deps: CliDeps): Promise<number> {
  const agentId = cfg.agentId ?? readPersistedAgentId(cfg.bufferPath) ?? newAgentId();
  const create = await deps.loadSampler();
  const sampler = create(samplerOptions(cfg, agentId, log));
  try {
    await sampler.start();
    const doc = await sampler.sample(new Date());
    deps.out(json ? JSON.stringify(doc, null, 2) + '\n' : formatSample(doc, sampler));
  } finally {
    await sampler.shutdown(2000);
  }
  return 0;
}

const n = (v: number | null | undefined, unit = ''): string => (v === null || v === undefined ? 'n/a' : `${v}${unit}`);

/** A person's view of one sample. */
export function formatSample(doc: SampleDocument, sampler: Pick<Sampler, 'status'>): string {
  const h = doc.host;
  const c = doc.cloud;
  const lines = [
    `time      ${doc.ts}   agent ${doc.agent.id} ${doc.agent.version}`,
    `host      ${h.hostname} (${h.os}), ${h.cpu_model}, ${h.cpu_cores} cores, ${h.memory_total_mib} MiB`,
    `cloud     ${c ? `${c.provider} ${c.instance_type} ${c.region}/${c.zone} ${c.lifecycle} (${c.instance_id})` : 'none detected'}`,
  ];
  const src = sampler.status();
  lines.push(`gpus      ${doc.gpus.length}${src.message ? `   (${src.state}: ${src.message})` : ''}`);
  for (const g of doc.gpus) {
    lines.push(`  [${g.index}] ${g.name}  util ${n(g.utilization_gpu_pct, '%')}  mem ${n(g.memory_used_mib)}/${n(g.memory_total_mib)} MiB  ${n(g.temperature_c, ' C')}  ${n(g.power_draw_w, ' W')}  ${g.uuid}`);
  }
  lines.push(`processes ${doc.processes.length}`);
  for (const p of doc.processes) lines.push(`  pid ${p.pid} ${p.name} ${n(p.used_memory_mib, ' MiB')} on ${p.gpu_uuid}`);
  return lines.join('\n') + '\n';
}

/** A person's view of the buffer counters. */
export function formatStatus(st: BufferStatus): string {
  if (!st.buffer_exists) return `buffer    ${st.buffer_path} does not exist yet (the agent has not run with it)\n`;
  const rows: [string, string][] = [
    ['buffer', `${st.buffer_path} (${(st.file_bytes / 1048576).toFixed(1)} MiB on disk)`],
    ['agent id', st.agent_id ?? 'not assigned yet'],
    ['exporter', st.exporter_state ?? 'never started'],
    ['produced', `${st.produced_samples} samples`],
    ['acked', `${st.acked_samples} samples`],
    ['buffered', `${st.buffered_samples} samples, ${st.pending_batches} batches awaiting ack, oldest ${st.oldest_sample_at ?? '-'}`],
    ['dropped', `${st.dropped_samples} samples (${st.rejected_batches} batches rejected)`],
    ['last ack', st.last_ack_at ?? 'never'],
    ['last error', st.last_error ? `${st.last_error} at ${st.last_error_at ?? '?'}` : 'none'],
  ];
  return rows.map(([k, v]) => `${k.padEnd(11)} ${v}`).join('\n') + '\n';
}
