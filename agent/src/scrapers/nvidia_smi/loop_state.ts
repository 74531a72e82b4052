/**
 * The GPU source's health: one state, one message, and counters. A log line is written when the
 * state changes, not on every retry, so a host without a driver logs once, not once a minute.
 */
import type { Failure, FailureKind } from './run_command.js';

/** ok | no_nvidia_smi | driver_unreachable | nvml_missing | failing | starting */
export type SourceState = 'ok' | 'no_nvidia_smi' | 'driver_unreachable' | 'nvml_missing' | 'failing' | 'starting';

/** Counters shown by `status --json`. */
export interface LoopCounters {
  restarts: number;
  parse_errors: number;
  stale_kills: number;
  memory_kills: number;
  last_row_at: number | null;
}

/** Mutable health of the source. */
export interface LoopState {
  readonly counters: LoopCounters;
  state(): SourceState;
  message(): string | null;
  set(state: SourceState, message: string | null): void;
  fail(failure: Failure): void;
  noteGarbage(line: string, reason: string): void;
}

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

const STATE_OF: Record<FailureKind, SourceState> = {
  missing: 'no_nvidia_smi',
  driver_unreachable: 'driver_unreachable',
  nvml_missing: 'nvml_missing',
  timeout: 'failing',
  exit: 'failing',
  spawn: 'failing',
};

/** Creates the health record in state `starting`. */
export function createLoopState(log: Log): LoopState {
  let state: SourceState = 'starting';
  let message: string | null = 'starting the nvidia-smi query loop';
  let garbageLogged = false;
  const counters: LoopCounters = { restarts: 0, parse_errors: 0, stale_kills: 0, memory_kills: 0, last_row_at: null };
  const self: LoopState = {
    counters,
    state: () => state,
    message: () => message,
    set(next, msg) {
      if (next === state) return;
      if (next === 'ok' && state !== 'starting') log('info', 'GPU readings are back', { previous: state });
      state = next;
      message = msg;
    },
    fail(failure) {
      const next = STATE_OF[failure.kind];
      message = failure.detail;
      if (next === state) return log('debug', 'nvidia-smi still failing', { detail: failure.detail });
      state = next;
      const hint = next === 'failing' ? 'retrying with backoff' : 'sending host-only samples and retrying periodically';
      log(next === 'failing' ? 'warn' : 'error', `${failure.detail}; ${hint}`, { state: next });
    },
    noteGarbage(line, reason) {
      // One warning per source lifetime; the counter tells the rest.
      if (garbageLogged) return;
      garbageLogged = true;
      log('warn', 'nvidia-smi printed a line that is not a readable row; counting such lines in parse_errors', {
        reason,
        line: line.slice(0, 200),
      });
    },
  };
  return self;
}
