/** The evidence every recommendation of one evaluation carries. */
import { hourOfWeekPattern, type SlotCounts } from './hour_of_week.js';
import type { PricedInstance } from './pricing.js';
import { round1, round2 } from './stats.js';
import type { Evidence } from './types.js';
import type { UsageProfile } from './usage_profile.js';

/** The lookback window as ISO instants and days. */
export function lookbackOf(profile: UsageProfile, days: number): Evidence['lookback'] {
  return { start: new Date(profile.startMs).toISOString(), end: new Date(profile.endMs).toISOString(), days };
}

/** Builds the shared evidence of an evaluation. */
export function baseEvidence(profile: UsageProfile, slots: SlotCounts, priced: PricedInstance, days: number): Evidence {
  const { memPeakMib, memTotalMib } = profile;
  return {
    lookback: lookbackOf(profile, days),
    hours_of_data: profile.observedHours,
    coverage: round2(profile.coverage),
    gpus_observed: profile.gpus.filter((g) => g.hours.length > 0).length,
    busy_gpus: profile.busyGpus,
    peak_concurrent_busy_gpus: profile.peakConcurrent,
    utilization_pct: { p50: round1(profile.utilization.p50), p95: round1(profile.utilization.p95), peak: round1(profile.utilization.peak) },
    memory: {
      peak_used_mib: memPeakMib,
      total_mib: memTotalMib,
      peak_used_pct: memPeakMib !== null && memTotalMib ? round1((memPeakMib / memTotalMib) * 100) : null,
    },
    idle_share: round2(profile.idleShare),
    hour_of_week_pattern: hourOfWeekPattern(slots),
    per_gpu: profile.gpus.map((g) => ({
      uuid: g.uuid,
      index: g.index,
      hours: g.hours.length,
      utilization_p50: round1(g.utilP50),
      utilization_p95: round1(g.utilP95),
      memory_peak_used_mib: g.memPeakMib,
      memory_total_mib: g.memTotalMib,
      busy: g.busy,
    })),
    price: {
      catalog_instance_type: priced.row.instance_type,
      region: priced.row.region,
      lifecycle: priced.lifecycle,
      usd_per_hour: priced.usdPerHour,
      region_fallback: priced.regionFallback,
    },
  };
}
