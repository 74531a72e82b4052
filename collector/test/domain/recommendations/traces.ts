/** Synthetic usage traces for the recommendation golden tests: hourly rollups with an injected clock. */
import { loadCatalog, type Lifecycle } from '@gpuoptimizer/shared';
import type { HourlyUsage } from '../../../src/ports.js';
import type { GpuUsage, InstanceUnderReview, RecommendationInput } from '../../../src/domain/recommendations/index.js';

/** Monday 2026-01-19 00:00 UTC: a 14-day lookback covers two whole weeks, Monday to Sunday. */
export const NOW = new Date('2026-01-19T00:00:00Z');
export const HOUR_MS = 3_600_000;

/** The shipped catalog (shared/data/gpu-instances.csv). */
export const catalog = loadCatalog();

/** One GPU-hour of a synthetic trace; null means no sample in that hour. */
export interface Reading {
  util: number;
  memPct: number;
  /** Within-hour peak; defaults to util. */
  max?: number;
}

/** hoursAgoIndex 0 = the first hour of the window; `at` is that hour's start. */
export type TraceFn = (at: Date, gpu: number, hour: number) => Reading | null;

/** Builds hourly rollups for `gpus` GPUs over `days` days ending at `now`. */
export function trace(gpus: number, memTotalMib: number, fn: TraceFn, days = 14, now = NOW): GpuUsage[] {
  const start = now.getTime() - days * 24 * HOUR_MS;
  return Array.from({ length: gpus }, (_, gpu) => {
    const hourly: HourlyUsage[] = [];
    for (let h = 0; h < days * 24; h++) {
      const at = new Date(start + h * HOUR_MS);
      const r = fn(at, gpu, h);
      if (r === null) continue;
      const mem = Math.round((r.memPct / 100) * memTotalMib);
      hourly.push({
        hour: at.toISOString(), samples: 360, utilization_avg: r.util, utilization_p95: r.util, utilization_max: r.max ?? r.util,
        memory_used_avg_mib: mem, memory_used_max_mib: mem, memory_total_mib: memTotalMib, power_avg_w: null,
      });
    }
    return { gpu_uuid: `GPU-${gpu}`, hourly };
  });
}

/** An instance with `count` identical GPUs. */
export function instance(provider: string, type: string, region: string, count: number, name: string, memTotalMib: number, lifecycle: Lifecycle = 'on_demand'): InstanceUnderReview {
  return {
    provider, instance_type: type, region, lifecycle,
    gpus: Array.from({ length: count }, (_, i) => ({ uuid: `GPU-${i}`, index: i, name, memory_total_mib: memTotalMib })),
  };
}

/** An engine input at NOW. */
export function input(inst: InstanceUnderReview, usage: GpuUsage[], extra: Partial<RecommendationInput> = {}): RecommendationInput {
  return { instance: inst, usage, catalog, now: NOW, ...extra };
}

/** Cents rounding, as the API reports money. */
export const money = (usd: number): number => Math.round(usd * 100) / 100;

/** Saturday or Sunday (UTC). */
export const weekend = (at: Date): boolean => at.getUTCDay() === 0 || at.getUTCDay() === 6;

export const IDLE: Reading = { util: 0, memPct: 0 };
export const TRAINING: Reading = { util: 92, memPct: 75, max: 100 };

/** nvidia-smi memory totals (MiB) of the GPUs the tests use. */
export const MIB = { A100_40: 40960, A100_80: 81920, L4: 23034, L40S: 46068, V100: 16384, T4: 15360, A10G: 23028 };
