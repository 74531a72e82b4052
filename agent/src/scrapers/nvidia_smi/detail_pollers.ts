/**
 * The slow-cadence readings beside the query loop: processes (`--query-compute-apps`) and MIG
 * devices (`-L` plus the full query). Each is a short one-shot run with a hard time-out; a
 * failure keeps the last good reading for a while rather than blanking it.
 */
import type { ProcessSample } from '@gpuoptimizer/shared';
import { parseGpuList } from './list_gpus.js';
import { joinMigDevices, type MigByParent } from './mig.js';
import { COMPUTE_APPS_FIELDS, parseComputeApps } from './processes.js';
import type { DetailReport } from './query_detail.js';
import { parseQueryText } from './query_text.js';
import { parseQueryXml } from './query_xml.js';
import { runOnce } from './run_command.js';

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** Settings shared by the pollers. */
export interface PollerOptions {
  path: string;
  timeoutMs: number;
  log: Log;
  onParseErrors: (count: number) => void;
}

/** Processes read once; null when nvidia-smi gave no readable answer. */
export async function pollProcesses(opts: PollerOptions): Promise<ProcessSample[] | null> {
  const args = [`--query-compute-apps=${COMPUTE_APPS_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  const res = await runOnce(opts.path, args, { timeoutMs: opts.timeoutMs, maxBytes: 4 * 1024 * 1024 });
  if (!res.ok) {
    opts.log('debug', 'compute-apps query failed', { detail: res.failure.detail });
    return null;
  }
  const parsed = parseComputeApps(res.stdout);
  if (parsed.badLines > 0) opts.onParseErrors(parsed.badLines);
  return parsed.processes;
}

/** MIG devices read once; null when `-L` failed (the full query only adds memory). */
export async function pollMig(opts: PollerOptions): Promise<MigByParent | null> {
  const list = await runOnce(opts.path, ['-L'], { timeoutMs: opts.timeoutMs, maxBytes: 1024 * 1024 });
  if (!list.ok) {
    opts.log('debug', 'nvidia-smi -L failed', { detail: list.failure.detail });
    return null;
  }
  const listed = parseGpuList(list.stdout);
  if (!listed.some((g) => g.migs.length > 0)) return new Map();
  return joinMigDevices(listed, await readDetail(opts));
}

/** The full query: XML first, plain text when XML is refused or unreadable. */
async function readDetail(opts: PollerOptions): Promise<DetailReport | null> {
  const run = { timeoutMs: opts.timeoutMs, maxBytes: 16 * 1024 * 1024 };
  const xml = await runOnce(opts.path, ['-q', '-x'], run);
  if (xml.ok) {
    try {
      return parseQueryXml(xml.stdout);
    } catch {
      opts.log('debug', 'nvidia-smi -q -x gave no readable XML; trying -q');
    }
  }
  const text = await runOnce(opts.path, ['-q'], run);
  if (!text.ok) return null;
  try {
    return parseQueryText(text.stdout);
  } catch {
    opts.onParseErrors(1);
    return null;
  }
}
