/**
 * Runs nvidia-smi in its own process group (so a hung child and anything it forked can be
 * killed together) and maps its failures to the few states an operator can act on.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Why nvidia-smi gave no usable answer. */
export type FailureKind = 'missing' | 'driver_unreachable' | 'nvml_missing' | 'timeout' | 'exit' | 'spawn';

/** A failed run, with the words to show an operator. */
export interface Failure {
  kind: FailureKind;
  code: number | null;
  detail: string;
}

/** The result of a one-shot run. */
export type RunResult = { ok: true; stdout: string } | { ok: false; failure: Failure };

/** Kills a child and its process group; safe to call on a child that has already gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Spawns `path args` detached (own process group), stdout and stderr piped. */
export function spawnGroup(path: string, args: string[]): ChildProcess {
  return spawn(path, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
}

/** Maps a spawn error (ENOENT, EACCES) to a failure. */
export function spawnFailure(err: NodeJS.ErrnoException, path: string): Failure {
  if (err.code === 'ENOENT') return { kind: 'missing', code: null, detail: `${path} not found (is the NVIDIA driver installed?)` };
  return { kind: 'spawn', code: null, detail: `cannot run ${path}: ${err.message}` };
}

/** Maps an exit code and the tail of the output to a failure. */
export function exitFailure(code: number | null, signal: string | null, output: string): Failure {
  const text = output.trim().split(/\r?\n/).slice(-3).join(' ').slice(0, 300);
  // Exit 9: NVML cannot reach the driver; 12: libnvidia-ml is missing (nvidia-smi's own codes).
  if (code === 9 || /couldn't communicate with the NVIDIA driver/i.test(output)) {
    return { kind: 'driver_unreachable', code, detail: `nvidia-smi cannot reach the NVIDIA driver (exit ${code}): ${text}` };
  }
  if (code === 12 || /libnvidia-ml/i.test(output)) {
    return { kind: 'nvml_missing', code, detail: `nvidia-smi cannot load libnvidia-ml (exit ${code}): ${text}` };
  }
  const how = signal ? `signal ${signal}` : `exit ${code}`;
  return { kind: 'exit', code, detail: `nvidia-smi failed (${how})${text ? `: ${text}` : ''}` };
}

/** Options of a one-shot run. */
export interface RunOptions {
  timeoutMs: number;
  /** Output beyond this is a failure: a runaway child must not grow the agent. */
  maxBytes?: number;
}

/** Runs nvidia-smi once and collects stdout; kills the group on time-out or oversize output. */
export function runOnce(path: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
  return new Promise((done) => {
    let settled = false;
    const resolve = (r: RunResult): void => {
      if (!settled) done(r);
      settled = true;
    };
    let child: ChildProcess;
    try {
      child = spawnGroup(path, args);
    } catch (err) {
      resolve({ ok: false, failure: spawnFailure(err as NodeJS.ErrnoException, path) });
      return;
    }
    const out: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: Failure | null = null;
    const stop = (f: Failure): void => {
      failure ??= f;
      killGroup(child);
    };
    const timer = setTimeout(() => stop({ kind: 'timeout', code: null, detail: `nvidia-smi ${args[0] ?? ''} timed out after ${opts.timeoutMs} ms` }), opts.timeoutMs);
    child.stdout?.on('data', (b: Buffer) => {
      size += b.length;
      if (size > maxBytes) stop({ kind: 'exit', code: null, detail: `nvidia-smi ${args[0] ?? ''} printed more than ${maxBytes} bytes` });
      else out.push(b);
    });
    child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4096)));
    child.on('error', (err) => {
      stop(spawnFailure(err as NodeJS.ErrnoException, path));
      // A child that never started emits no 'close' on every Node version.
      if (child.pid === undefined) {
        clearTimeout(timer);
        resolve({ ok: false, failure: failure as Failure });
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (failure) resolve({ ok: false, failure });
      else if (code === 0) resolve({ ok: true, stdout });
      else resolve({ ok: false, failure: exitFailure(code, signal, `${stdout.slice(-2048)}\n${stderr}`) });
    });
  });
}
