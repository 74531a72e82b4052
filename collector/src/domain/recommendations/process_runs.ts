/**
 * Process runs inferred from how many compute processes each GPU held in each 5-minute period:
 * the store keeps a process count per sample, not process identities, so a run is a stretch of
 * consecutive periods with at least one process. A gap in the data ends a run (the host was not
 * reporting); a run still going at the window's end has `ended_at` null.
 */
import type { ProcessRun } from './types.js';

/** One GPU's busiest process count in one period. */
export interface ProcessCountBucket {
  gpu_uuid: string;
  /** Period start, ISO 8601 UTC. */
  period_start: string;
  processes: number;
}

/** Derives runs from per-period process counts (`periodMs` long), ordered by GPU then time. */
export function processRunsFromCounts(buckets: readonly ProcessCountBucket[], periodMs: number, windowEndMs: number): ProcessRun[] {
  const runs: ProcessRun[] = [];
  let open: { gpu: string; start: number; last: number } | null = null;
  const close = (endMs: number | null) => {
    if (!open) return;
    runs.push({ gpu_uuid: open.gpu, name: 'compute processes', started_at: new Date(open.start).toISOString(), ended_at: endMs === null ? null : new Date(endMs).toISOString() });
    open = null;
  };
  for (const b of buckets) {
    const t = Date.parse(b.period_start);
    if (open && (open.gpu !== b.gpu_uuid || t !== open.last + periodMs || b.processes === 0)) close(open.last + periodMs);
    if (b.processes > 0) {
      if (!open) open = { gpu: b.gpu_uuid, start: t, last: t };
      else open.last = t;
    }
  }
  if (open) close((open as { last: number }).last + periodMs >= windowEndMs ? null : (open as { last: number }).last + periodMs);
  return runs;
}
