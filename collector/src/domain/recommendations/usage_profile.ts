/**
 * Turns per-GPU hourly rollups into the facts the rules reason over: which hours the instance
 * was observed, which of them it was idle, how many GPUs were busy at once, and each GPU's
 * utilisation and memory figures over the lookback.
 */
import type { HourlyUsage } from '../../ports.js';
import { HOUR_MS, maxOrNull, percentile } from './stats.js';
import type { Thresholds } from './thresholds.js';
import type { GpuUsage, InstanceGpu } from './types.js';

/** One GPU's reading for one hour, with fallbacks applied. */
interface GpuHour {
  hourMs: number;
  utilAvg: number | null;
  utilP95: number | null;
  utilPeak: number | null;
  memMaxMib: number | null;
  memTotalMib: number | null;
  idle: boolean;
}

/** One GPU over the lookback. */
export interface GpuProfile {
  uuid: string;
  index: number;
  hours: GpuHour[];
  utilP50: number | null;
  utilP95: number | null;
  /** The demand percentile of hourly (or 5-minute) peaks. */
  utilDemand: number | null;
  memPeakMib: number | null;
  memTotalMib: number | null;
  busy: boolean;
}

/** The instance in one observed hour. */
export interface HourState {
  idle: boolean;
  activeGpus: number;
  /** Highest GPU p95 utilisation in the hour (how close an idle hour came to busy). */
  utilP95Max: number | null;
}

/** The facts the rules use. */
export interface UsageProfile {
  startMs: number;
  endMs: number;
  lookbackHours: number;
  /** Hours from the first observation to the end of the window: the span the instance existed. */
  effectiveHours: number;
  observedHours: number;
  coverage: number;
  hours: Map<number, HourState>;
  idleHours: number;
  activeHours: number;
  idleShare: number;
  gpus: GpuProfile[];
  busyGpus: number;
  peakConcurrent: number;
  demandUtilPct: number | null;
  memPeakMib: number | null;
  memTotalMib: number | null;
  utilization: { p50: number | null; p95: number | null; peak: number | null };
}

const pick = (...values: Array<number | null>): number | null => values.find((v) => v !== null) ?? null;

function peaksByHour(usage: GpuUsage): Map<number, number> {
  const peaks = new Map<number, number>();
  for (const p of usage.peaks_5m ?? []) {
    if (p.utilization_max === null) continue;
    const hourMs = Math.floor(Date.parse(p.period_start) / HOUR_MS) * HOUR_MS;
    peaks.set(hourMs, Math.max(peaks.get(hourMs) ?? 0, p.utilization_max));
  }
  return peaks;
}

function toGpuHour(row: HourlyUsage, hourMs: number, peak: number | undefined, gpu: InstanceGpu | undefined, t: Thresholds): GpuHour {
  const utilP95 = pick(row.utilization_p95, row.utilization_max, row.utilization_avg);
  const memMaxMib = pick(row.memory_used_max_mib, row.memory_used_avg_mib);
  const memTotalMib = pick(row.memory_total_mib, gpu?.memory_total_mib ?? null);
  const memPct = memMaxMib !== null && memTotalMib ? (memMaxMib / memTotalMib) * 100 : null;
  // Unknown utilisation (MIG reports N/A) is never called idle.
  const idle = utilP95 !== null && utilP95 < t.idleUtilizationPct && (memPct === null || memPct < t.idleMemoryPct);
  return {
    hourMs,
    utilAvg: pick(row.utilization_avg, row.utilization_p95, row.utilization_max),
    utilP95,
    utilPeak: peak ?? pick(row.utilization_max, row.utilization_p95, row.utilization_avg),
    memMaxMib,
    memTotalMib,
    idle,
  };
}

/** The GPU's rows inside [start, end), one per hour, samples > 0. */
function gpuHours(usage: GpuUsage, gpu: InstanceGpu | undefined, startMs: number, endMs: number, t: Thresholds): GpuHour[] {
  const peaks = peaksByHour(usage);
  const byHour = new Map<number, GpuHour>();
  for (const row of usage.hourly) {
    const hourMs = Math.floor(Date.parse(row.hour) / HOUR_MS) * HOUR_MS;
    if (!Number.isFinite(hourMs) || hourMs < startMs || hourMs >= endMs || row.samples <= 0) continue;
    byHour.set(hourMs, toGpuHour(row, hourMs, peaks.get(hourMs), gpu, t));
  }
  return [...byHour.values()].sort((a, b) => a.hourMs - b.hourMs);
}

function gpuProfile(usage: GpuUsage, gpu: InstanceGpu | undefined, startMs: number, endMs: number, t: Thresholds): GpuProfile {
  const hours = gpuHours(usage, gpu, startMs, endMs, t);
  const utilAvgs = hours.flatMap((h) => (h.utilAvg === null ? [] : [h.utilAvg]));
  const memPcts = hours.flatMap((h) => (h.memMaxMib !== null && h.memTotalMib ? [(h.memMaxMib / h.memTotalMib) * 100] : []));
  const utilP95 = percentile(utilAvgs, 95);
  const memP95 = percentile(memPcts, 95);
  return {
    uuid: usage.gpu_uuid,
    index: gpu?.index ?? -1,
    hours,
    utilP50: percentile(utilAvgs, 50),
    utilP95,
    utilDemand: percentile(hours.flatMap((h) => (h.utilPeak === null ? [] : [h.utilPeak])), t.demandPercentile),
    memPeakMib: maxOrNull(hours.map((h) => h.memMaxMib)),
    memTotalMib: maxOrNull(hours.map((h) => h.memTotalMib)) ?? gpu?.memory_total_mib ?? null,
    busy: (utilP95 ?? 0) >= t.busyUtilizationP95Pct || (memP95 ?? 0) >= t.busyMemoryPct,
  };
}

function hourStates(gpus: GpuProfile[]): Map<number, HourState> {
  const states = new Map<number, HourState>();
  for (const gpu of gpus) {
    for (const h of gpu.hours) {
      const s = states.get(h.hourMs) ?? { idle: true, activeGpus: 0, utilP95Max: null };
      s.idle = s.idle && h.idle;
      s.activeGpus += h.idle ? 0 : 1;
      s.utilP95Max = maxOrNull([s.utilP95Max, h.utilP95]);
      states.set(h.hourMs, s);
    }
  }
  return states;
}

/** Builds the usage profile of an instance over the lookback ending at `now` (floored to the hour). */
export function buildUsageProfile(gpus: InstanceGpu[], usage: GpuUsage[], now: Date, t: Thresholds): UsageProfile {
  const endMs = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const lookbackHours = t.lookbackDays * 24;
  const startMs = endMs - lookbackHours * HOUR_MS;
  const byUuid = new Map(gpus.map((g) => [g.uuid, g]));
  const profiles = usage.map((u) => gpuProfile(u, byUuid.get(u.gpu_uuid), startMs, endMs, t)).sort((a, b) => a.index - b.index);
  const hours = hourStates(profiles);
  const firstMs = Math.min(...hours.keys());
  const observedHours = hours.size;
  const idleHours = [...hours.values()].filter((s) => s.idle).length;
  const allAvg = profiles.flatMap((p) => p.hours.flatMap((h) => (h.utilAvg === null ? [] : [h.utilAvg])));
  const active = profiles.filter((p) => p.busy);
  return {
    startMs,
    endMs,
    lookbackHours,
    effectiveHours: observedHours === 0 ? lookbackHours : (endMs - firstMs) / HOUR_MS,
    observedHours,
    coverage: observedHours / lookbackHours,
    hours,
    idleHours,
    activeHours: observedHours - idleHours,
    idleShare: observedHours === 0 ? 0 : idleHours / observedHours,
    gpus: profiles,
    busyGpus: active.length,
    peakConcurrent: Math.max(0, ...[...hours.values()].map((s) => s.activeGpus)),
    demandUtilPct: maxOrNull((active.length > 0 ? active : profiles).map((p) => p.utilDemand)),
    memPeakMib: maxOrNull(profiles.map((p) => p.memPeakMib)),
    memTotalMib: maxOrNull(profiles.map((p) => p.memTotalMib)),
    utilization: { p50: percentile(allAvg, 50), p95: percentile(allAvg, 95), peak: maxOrNull(profiles.map((p) => p.utilDemand)) },
  };
}
