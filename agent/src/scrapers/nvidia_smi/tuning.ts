/**
 * Timing and limits of the GPU source, with defaults derived from the sampling interval.
 * Tests shrink them; operators never need to.
 */

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** What the GPU source is built from; everything but path, interval and log has a default. */
export interface GpuSourceOptions {
  path: string;
  intervalMs: number;
  log: Log;
  now?: () => number;
  /** No row for this long → kill and restart (default 3 intervals). */
  staleAfterMs?: number;
  /** Time the first row may take after a spawn (NVML start-up on a big host takes seconds). */
  startupGraceMs?: number;
  /** Resident memory cap of the nvidia-smi child. */
  maxRssMib?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Retry period while nvidia-smi is missing or the driver is unreachable. */
  unavailableRetryMs?: number;
  processIntervalMs?: number;
  migIntervalMs?: number;
  commandTimeoutMs?: number;
  /** A reading older than this is not reported at all. */
  freshWindowMs?: number;
}

/** The options with every default filled in. */
export type GpuTuning = Required<GpuSourceOptions>;

/** Fills in the defaults. */
export function resolveGpuTuning(o: GpuSourceOptions): GpuTuning {
  const interval = Math.max(50, o.intervalMs);
  return {
    path: o.path,
    intervalMs: interval,
    log: o.log,
    now: o.now ?? Date.now,
    staleAfterMs: o.staleAfterMs ?? 3 * interval,
    startupGraceMs: o.startupGraceMs ?? Math.max(3 * interval, 15_000),
    maxRssMib: o.maxRssMib ?? 256,
    backoffBaseMs: o.backoffBaseMs ?? Math.max(interval, 500),
    backoffMaxMs: o.backoffMaxMs ?? 60_000,
    unavailableRetryMs: o.unavailableRetryMs ?? 60_000,
    processIntervalMs: o.processIntervalMs ?? Math.max(5 * interval, 5_000),
    migIntervalMs: o.migIntervalMs ?? Math.max(30 * interval, 30_000),
    commandTimeoutMs: o.commandTimeoutMs ?? 10_000,
    freshWindowMs: o.freshWindowMs ?? Math.max(10 * interval, 10_000),
  };
}
