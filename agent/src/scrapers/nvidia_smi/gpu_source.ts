/**
 * The GPU source: discovers the query fields, runs the query loop, polls processes and MIG
 * devices on a slower cadence, tracks inventory, and hands out the newest reading per GPU.
 * A GPU whose row is missing or broken in one block never hides the others: rows are kept per
 * uuid, and only a GPU that has stopped appearing while others continue is dropped.
 */
import type { GpuSample, ProcessSample } from '@gpuoptimizer/shared';
import type { GpuSourceStatus } from '../types.js';
import type { GpuRow } from './csv.js';
import { toGpuSample } from './csv.js';
import { isUsableHelp, parseHelpQueryGpu, selectQueryFields, type HelpFields } from './fields.js';
import { pollMig, pollProcesses, type PollerOptions } from './detail_pollers.js';
import { createInventory } from './inventory.js';
import { createLoopState } from './loop_state.js';
import { isMigEnabled, type MigByParent } from './mig.js';
import { createQueryLoop, type QueryLoop } from './query_loop.js';
import { runOnce } from './run_command.js';
import { resolveGpuTuning, type GpuSourceOptions } from './tuning.js';

/** The GPU part of a sample. */
export interface GpuReading {
  gpus: GpuSample[];
  processes: ProcessSample[];
}

/** The running GPU source. */
export interface GpuSource {
  start(): Promise<void>;
  read(): GpuReading;
  status(): GpuSourceStatus;
  shutdown(): Promise<void>;
}

/** Builds the GPU source; nothing runs until start(). */
export function createGpuSource(options: GpuSourceOptions): GpuSource {
  const t = resolveGpuTuning(options);
  const st = createLoopState(t.log);
  const latest = new Map<string, { row: GpuRow; at: number }>();
  const inventory = createInventory(t.log, () => void refreshMig());
  let processes: ProcessSample[] = [];
  let processFailures = 0;
  let mig: MigByParent = new Map();
  let loop: QueryLoop | null = null;
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  let retryTimer: NodeJS.Timeout | null = null;
  const poller: PollerOptions = { path: t.path, timeoutMs: t.commandTimeoutMs, log: t.log, onParseErrors: (n) => (st.counters.parse_errors += n) };

  const onRow = (row: GpuRow, at: number): void => {
    inventory.observe(row, at);
    latest.set(row.uuid as string, { row, at });
  };

  async function discover(): Promise<HelpFields | null | 'missing'> {
    const res = await runOnce(t.path, ['--help-query-gpu'], { timeoutMs: t.commandTimeoutMs, maxBytes: 2 * 1024 * 1024 });
    if (!res.ok && res.failure.kind === 'missing') {
      st.fail(res.failure);
      return 'missing';
    }
    const help = res.ok ? parseHelpQueryGpu(res.stdout) : [];
    if (isUsableHelp(help)) return help;
    const why = res.ok ? 'its field list could not be read' : res.failure.detail;
    t.log('info', `nvidia-smi --help-query-gpu gave no usable field list (${why}); using the built-in list`);
    return null;
  }

  async function startLoop(): Promise<void> {
    const help = await discover();
    if (stopped) return;
    if (help === 'missing') {
      // One pending retry at a time (a list of fired timers would grow for as long as it is missing).
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void startLoop(), t.unavailableRetryMs);
      retryTimer.unref();
      return;
    }
    const fields = selectQueryFields(help);
    loop = createQueryLoop({ ...t, fields, help, state: st, onRow });
    loop.start();
  }

  async function refreshProcesses(): Promise<void> {
    if (st.state() !== 'ok') return;
    const next = await pollProcesses(poller);
    if (next) [processes, processFailures] = [next, 0];
    // Three misses in a row: the list is too old to attribute memory to anyone.
    else if (++processFailures >= 3) processes = [];
  }

  async function refreshMig(): Promise<void> {
    if (![...latest.values()].some((e) => isMigEnabled(e.row.mig_mode as string | null))) {
      mig = new Map();
      return;
    }
    const next = await pollMig(poller);
    if (next) mig = next;
  }

  function every(ms: number, fn: () => Promise<void>): void {
    const timer = setInterval(() => void fn(), ms);
    timer.unref();
    timers.push(timer);
  }

  async function waitUntilSettled(): Promise<void> {
    const deadline = t.now() + t.startupGraceMs;
    while (!stopped && st.state() === 'starting' && t.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  return {
    async start() {
      await startLoop();
      await waitUntilSettled();
      await Promise.all([refreshProcesses(), refreshMig()]);
      every(t.processIntervalMs, refreshProcesses);
      every(t.migIntervalMs, refreshMig);
    },
    read: () => composeReading(latest, t, mig, processes, inventory.energyMj),
    status(): GpuSourceStatus {
      const c = st.counters;
      return {
        state: st.state(),
        message: st.message(),
        gpus: composeReading(latest, t, mig, [], inventory.energyMj).gpus.length,
        restarts: c.restarts,
        parse_errors: c.parse_errors,
        stale_kills: c.stale_kills,
        memory_kills: c.memory_kills,
        last_row_at: c.last_row_at === null ? null : new Date(c.last_row_at).toISOString(),
      };
    },
    async shutdown() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      if (retryTimer) clearTimeout(retryTimer);
      await loop?.stop();
    },
  };
}

function composeReading(
  latest: Map<string, { row: GpuRow; at: number }>,
  t: { now: () => number; freshWindowMs: number; staleAfterMs: number; intervalMs: number },
  mig: MigByParent,
  processes: ProcessSample[],
  energyMj: (uuid: string) => number | null,
): GpuReading {
  const entries = [...latest.values()];
  const newest = Math.max(0, ...entries.map((e) => e.at));
  // Nothing fresh at all: the loop is down, and old numbers must not pass for current ones.
  if (newest < t.now() - t.freshWindowMs) return { gpus: [], processes: [] };
  const gpus = entries
    .filter((e) => e.at >= newest - t.staleAfterMs - t.intervalMs)
    .map((e) => {
      const gpu = toGpuSample(e.row);
      gpu.energy_consumption_mj ??= energyMj(gpu.uuid);
      const devices = mig.get(gpu.uuid);
      if (isMigEnabled(gpu.mig_mode) && devices) gpu.mig_devices = devices;
      return gpu;
    })
    .sort((a, b) => a.index - b.index);
  return { gpus, processes };
}
