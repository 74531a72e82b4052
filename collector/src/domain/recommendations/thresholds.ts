/**
 * Every threshold the recommendation rules use, with its default and why. All are configurable;
 * resolveThresholds checks a partial override and fills the rest.
 */

/** The rules' thresholds (percentages are 0–100, shares 0–1). */
export interface Thresholds {
  /** Days of hourly rollups to look back over. 14 like AWS Compute Optimizer; at most 93 (its maximum). */
  lookbackDays: number;
  /** Hours of data below which nothing is recommended. 30 like Compute Optimizer. */
  minHoursOfData: number;
  /** A GPU-hour is idle when its p95 utilisation is below this … */
  idleUtilizationPct: number;
  /** … and its peak memory use is below this share of the GPU's memory (a loaded model is not idle). */
  idleMemoryPct: number;
  /** A GPU is busy over the lookback when the p95 of its hourly utilisation reaches this … */
  busyUtilizationP95Pct: number;
  /** … or the p95 of its hourly peak memory use reaches this share of its memory. */
  busyMemoryPct: number;
  /** Percentile of hourly (or 5-minute) utilisation peaks taken as the work's demand. 99.5 like Compute Optimizer. */
  demandPercentile: number;
  /** Memory headroom over the observed peak, per GPU. 20 % like Compute Optimizer. */
  memoryHeadroomPct: number;
  /** Share of a GPU's nominal memory that is usable (nvidia-smi reports ~6 % less than the data sheet). */
  usableMemoryShare: number;
  /** Projected utilisation a slower GPU may reach with the observed demand; above it, no downgrade. */
  maxProjectedUtilizationPct: number;
  /**
   * Host vCPUs and RAM a candidate must keep per GPU kept, as a share of today's host per GPU.
   * The rollups carry no host CPU/RAM history, so the host is never shrunk beyond this on GPU evidence.
   */
  hostShareMin: number;
  /** Share of observed hours the instance must be idle to be called idle ("most of the lookback"). */
  idleShareMin: number;
  /** Weeks an hour-of-week slot must be observed (idle every time) to count as a recurring idle window. */
  scheduleMinWeeks: number;
  /** Shortest stop window worth scheduling: shorter gaps do not repay a stop, a boot and a warm-up. */
  scheduleMinWindowHours: number;
  /** Bursts of work separated by idle gaps that make a workload batch-like (spot-tolerant). */
  spotMinBursts: number;
  /** Above this share of busy hours the work is treated as continuous serving (no spot). */
  spotMaxActiveShare: number;
  /** Completed processes (start and end seen) that make a workload batch-like. */
  spotMinProcessRuns: number;
  /** Monthly savings below this are not worth a recommendation. */
  minMonthlySavingsUsd: number;
  /** Price an instance from another region of the same provider when its region is not in the catalog. */
  allowRegionFallback: boolean;
}

/** The documented defaults. */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  lookbackDays: 14,
  minHoursOfData: 30,
  idleUtilizationPct: 5,
  idleMemoryPct: 10,
  busyUtilizationP95Pct: 10,
  busyMemoryPct: 10,
  demandPercentile: 99.5,
  memoryHeadroomPct: 20,
  usableMemoryShare: 0.93,
  maxProjectedUtilizationPct: 80,
  hostShareMin: 0.9,
  idleShareMin: 0.8,
  scheduleMinWeeks: 2,
  scheduleMinWindowHours: 4,
  spotMinBursts: 3,
  spotMaxActiveShare: 0.85,
  spotMinProcessRuns: 3,
  minMonthlySavingsUsd: 5,
  allowRegionFallback: true,
});

/** A threshold override that is out of range. */
export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

const RANGES: Partial<Record<keyof Thresholds, [number, number, boolean]>> = {
  lookbackDays: [1, 93, true],
  minHoursOfData: [1, 93 * 24, true],
  idleUtilizationPct: [0, 100, false],
  idleMemoryPct: [0, 100, false],
  busyUtilizationP95Pct: [0, 100, false],
  busyMemoryPct: [0, 100, false],
  demandPercentile: [50, 100, false],
  memoryHeadroomPct: [0, 200, false],
  usableMemoryShare: [0.5, 1, false],
  maxProjectedUtilizationPct: [1, 100, false],
  hostShareMin: [0, 1, false],
  idleShareMin: [0.5, 1, false],
  scheduleMinWeeks: [2, 13, true],
  scheduleMinWindowHours: [1, 167, true],
  spotMinBursts: [2, 1000, true],
  spotMaxActiveShare: [0.1, 1, false],
  spotMinProcessRuns: [1, 1000, true],
  minMonthlySavingsUsd: [0, 1e6, false],
};

/** Fills an override with the defaults; throws a ThresholdError naming the first bad field. */
export function resolveThresholds(override: Partial<Thresholds> = {}): Thresholds {
  const merged: Thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [key, value] of Object.entries(override) as Array<[keyof Thresholds, unknown]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_THRESHOLDS)) throw new ThresholdError(`unknown threshold "${key}"`);
    if (key === 'allowRegionFallback') {
      if (typeof value !== 'boolean') throw new ThresholdError('allowRegionFallback must be true or false');
      merged.allowRegionFallback = value;
      continue;
    }
    const [min, max, integer] = RANGES[key] ?? [0, Infinity, false];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new ThresholdError(`${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${String(value)}`);
    }
    (merged as unknown as Record<string, number>)[key] = value;
  }
  return merged;
}
