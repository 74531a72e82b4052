// Process runs inferred from 5-minute process counts: starts, ends, gaps, GPUs, still running.
import { describe, expect, it } from 'vitest';
import { processRunsFromCounts } from '../../../src/domain/recommendations/process_runs.js';

const P = 300_000;
const T0 = Date.UTC(2026, 10, 2);
const at = (i: number) => new Date(T0 + i * P).toISOString();
const b = (gpu: string, i: number, processes: number) => ({ gpu_uuid: gpu, period_start: at(i), processes });

describe('processRunsFromCounts', () => {
  it('turns stretches with processes into runs that start and end', () => {
    const buckets = [b('G0', 0, 0), b('G0', 1, 1), b('G0', 2, 2), b('G0', 3, 0), b('G0', 4, 1), b('G0', 5, 0)];
    expect(processRunsFromCounts(buckets, P, T0 + 6 * P)).toEqual([
      { gpu_uuid: 'G0', name: 'compute processes', started_at: at(1), ended_at: at(3) },
      { gpu_uuid: 'G0', name: 'compute processes', started_at: at(4), ended_at: at(5) },
    ]);
  });

  it('ends a run at a gap in the data and at a change of GPU; a run reaching the window end is still alive', () => {
    const buckets = [b('G0', 0, 1), b('G0', 1, 1), b('G0', 4, 1), b('G1', 4, 1), b('G1', 5, 3)];
    expect(processRunsFromCounts(buckets, P, T0 + 6 * P)).toEqual([
      { gpu_uuid: 'G0', name: 'compute processes', started_at: at(0), ended_at: at(2) },
      { gpu_uuid: 'G0', name: 'compute processes', started_at: at(4), ended_at: at(5) },
      { gpu_uuid: 'G1', name: 'compute processes', started_at: at(4), ended_at: null },
    ]);
  });

  it('finds nothing where no process ever ran', () => {
    expect(processRunsFromCounts([b('G0', 0, 0), b('G0', 1, 0)], P, T0 + 2 * P)).toEqual([]);
  });
});
