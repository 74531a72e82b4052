/**
 * The one long-running `nvidia-smi --query-gpu=… --format=csv,nounits -lms N` child, and its
 * watchdog. Invariants: at most one child at a time; a child that prints no row for
 * `staleAfterMs` (3 intervals) or grows past `maxRssMib` is killed with its process group and
 * restarted with capped backoff; an unavailable nvidia-smi (missing, exit 9, exit 12) is retried
 * on a slow period; each state change is logged once, not once per retry.
 */
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createCsvReader, type GpuRow } from './csv.js';
import { REQUIRED_FIELD, type HelpFields } from './fields.js';
import { exitFailure, killGroup, spawnFailure, spawnGroup, type Failure } from './run_command.js';
import type { LoopState } from './loop_state.js';

/** Settings of the loop; times are injectable so tests run in milliseconds. */
export interface LoopOptions {
  path: string;
  intervalMs: number;
  fields: string[];
  help: HelpFields | null;
  staleAfterMs: number;
  startupGraceMs: number;
  maxRssMib: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  unavailableRetryMs: number;
  now: () => number;
  /** Shared with the rest of the GPU source, which also reports discovery failures in it. */
  state: LoopState;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  onRow: (row: GpuRow, atMs: number) => void;
}

/** The running loop. */
export interface QueryLoop {
  start(): void;
  stop(): Promise<void>;
  /** The query fields in use (fewer than asked for when the driver rejected some). */
  fields(): string[];
}

type KillReason = 'stale' | 'memory' | 'shutdown';

const REJECTED_FIELD = /Field "([^"]+)" is not a valid field to query/i;

/** Creates the loop; nothing runs until start(). */
export function createQueryLoop(opts: LoopOptions): QueryLoop {
  const st = opts.state;
  let fields = [...opts.fields];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let stopped = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let run = { spawnedAt: 0, lastRowAt: 0, rows: 0, killedBy: null as KillReason | null, tail: '', spawnError: null as Failure | null };
  let failuresInARow = 0;
  let lastMemCheck = 0;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    restartTimer = setTimeout(spawnChild, delayMs);
    restartTimer.unref();
  };

  function spawnChild(): void {
    restartTimer = null;
    if (stopped) return;
    const args = [`--query-gpu=${fields.join(',')}`, '--format=csv,nounits', '-lms', String(opts.intervalMs)];
    run = { spawnedAt: opts.now(), lastRowAt: 0, rows: 0, killedBy: null, tail: '', spawnError: null };
    let c: ChildProcess;
    try {
      c = spawnGroup(opts.path, args);
    } catch (err) {
      onEnd(null, null, spawnFailure(err as NodeJS.ErrnoException, opts.path));
      return;
    }
    child = c;
    exited = new Promise((resolve) => wire(c, resolve));
  }

  function wire(c: ChildProcess, resolve: () => void): void {
    const reader = createCsvReader(opts.help);
    let ended = false;
    const end = (code: number | null, signal: string | null, failure: Failure | null): void => {
      if (ended) return;
      ended = true;
      if (child === c) child = null;
      onEnd(code, signal, failure);
      resolve();
    };
    if (c.stdout) createInterface({ input: c.stdout, crlfDelay: Infinity }).on('line', (line) => onLine(reader, line));
    c.stderr?.on('data', (b: Buffer) => (run.tail = (run.tail + b.toString()).slice(-4096)));
    c.on('error', (err) => {
      run.spawnError = spawnFailure(err as NodeJS.ErrnoException, opts.path);
      if (c.pid === undefined) end(null, null, run.spawnError);
    });
    c.on('close', (code, signal) => end(code, signal, run.spawnError));
  }

  function onLine(reader: ReturnType<typeof createCsvReader>, line: string): void {
    if (line.trim() === '') return;
    const parsed = reader.readLine(line);
    if (parsed.kind === 'row') {
      const at = opts.now();
      run.rows++;
      run.lastRowAt = at;
      failuresInARow = 0;
      st.counters.parse_errors += parsed.invalidCells;
      st.counters.last_row_at = at;
      st.set('ok', null);
      opts.onRow(parsed.row, at);
    } else if (parsed.kind === 'garbage' && !reader.hasHeader()) {
      // Before the header come error messages (exit 9/12 texts): kept for the failure message.
      run.tail = (run.tail + line + '\n').slice(-4096);
    } else if (parsed.kind === 'garbage') {
      st.counters.parse_errors++;
      run.tail = (run.tail + line + '\n').slice(-4096);
      st.noteGarbage(line, parsed.reason);
    }
  }

  function onEnd(code: number | null, signal: string | null, spawnErr: Failure | null): void {
    if (stopped) return;
    st.counters.restarts++;
    const rejected = REJECTED_FIELD.exec(run.tail)?.[1]?.toLowerCase();
    if (!spawnErr && !run.killedBy && rejected && rejected !== REQUIRED_FIELD && fields.includes(rejected)) {
      // Old drivers reject fields newer ones know: drop it and ask again at once.
      fields = fields.filter((f) => f !== rejected);
      opts.log('info', 'nvidia-smi does not know a query field; asking without it', { field: rejected });
      schedule(0);
      return;
    }
    if (!spawnErr && !run.killedBy && code === 0 && run.rows > 0) {
      // A child that printed its rows and exited (no loop support) is simply asked again.
      schedule(opts.intervalMs);
      return;
    }
    const failure = spawnErr ?? killFailure() ?? exitFailure(code, signal, run.tail);
    st.fail(failure);
    if (failure.kind === 'missing' || failure.kind === 'driver_unreachable' || failure.kind === 'nvml_missing') {
      schedule(opts.unavailableRetryMs);
      return;
    }
    failuresInARow++;
    schedule(Math.min(opts.backoffMaxMs, opts.backoffBaseMs * 2 ** (failuresInARow - 1)));
  }

  function killFailure(): Failure | null {
    if (run.killedBy === 'stale') {
      return { kind: 'timeout', code: null, detail: `nvidia-smi printed no row for ${opts.staleAfterMs} ms; killed and restarted` };
    }
    if (run.killedBy === 'memory') {
      return { kind: 'exit', code: null, detail: `nvidia-smi grew past ${opts.maxRssMib} MiB; killed and restarted` };
    }
    return null;
  }

  function tick(): void {
    const c = child;
    if (!c || run.killedBy) return;
    const now = opts.now();
    const since = run.rows > 0 ? run.lastRowAt : run.spawnedAt + opts.startupGraceMs - opts.staleAfterMs;
    if (now - since > opts.staleAfterMs) {
      run.killedBy = 'stale';
      st.counters.stale_kills++;
      killGroup(c);
      return;
    }
    if (now - lastMemCheck >= Math.max(1000, opts.intervalMs) && c.pid !== undefined) {
      lastMemCheck = now;
      void checkMemory(c, c.pid);
    }
  }

  async function checkMemory(c: ChildProcess, pid: number): Promise<void> {
    const rssMib = await readRssMib(pid);
    if (rssMib === null || rssMib <= opts.maxRssMib || child !== c || run.killedBy) return;
    run.killedBy = 'memory';
    st.counters.memory_kills++;
    killGroup(c);
  }

  return {
    start() {
      stopped = false;
      watchdog = setInterval(tick, Math.max(10, Math.min(opts.intervalMs, 1000)));
      watchdog.unref();
      spawnChild();
    },
    async stop() {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (watchdog) clearInterval(watchdog);
      if (child) {
        run.killedBy = 'shutdown';
        killGroup(child);
      }
      await exited;
    },
    fields: () => [...fields],
  };
}

/** The resident set size of a process in MiB, from /proc (Linux only; null elsewhere). */
export async function readRssMib(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m?.[1] ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
