/**
 * The recommendations engine: one instance's usage over the lookback, priced from the catalog,
 * in, API-SPEC's `/optimize` body out. Pure: no I/O, the clock is an argument.
 */
import type { RuleContext } from './context.js';
import { baseEvidence, lookbackOf } from './evidence.js';
import { countSlots } from './hour_of_week.js';
import { priceInstance, type PricedInstance } from './pricing.js';
import { idleRule } from './rule_idle.js';
import { instanceTypeRule } from './rule_instance_type.js';
import { schedulingRule } from './rule_scheduling.js';
import { spotRule } from './rule_spot.js';
import { HOURS_PER_MONTH, round2 } from './stats.js';
import { resolveThresholds, type Thresholds } from './thresholds.js';
import type { OptimizeResult, Recommendation, RecommendationInput } from './types.js';
import { buildUsageProfile, type UsageProfile } from './usage_profile.js';

/** A region fallback prices from the wrong region: the confidence says so. */
const REGION_FALLBACK_FACTOR = 0.8;

function head(input: RecommendationInput, profile: UsageProfile, priced: PricedInstance | null, t: Thresholds): OptimizeResult {
  const { instance } = input;
  return {
    status: 'ok',
    instance: {
      provider: instance.provider, instance_type: instance.instance_type, region: instance.region, lifecycle: instance.lifecycle, gpu_count: instance.gpus.length,
      usd_per_hour: priced?.usdPerHour ?? null,
      usd_per_gpu_hour: priced ? Math.round((priced.usdPerHour / priced.row.gpu_count) * 10_000) / 10_000 : null,
    },
    lookback: lookbackOf(profile, t.lookbackDays),
    hours_of_data: profile.observedHours,
    recommendations: [],
    total_potential_savings: 0,
    catalog: { ...input.catalog.identity },
    message: '',
    generated_at: input.now.toISOString(),
  };
}

/**
 * What acting on every recommendation together saves: right-sizing first, then spot on the new
 * type's price, then the schedule on the new type's price. Each recommendation's own figure is
 * what it saves alone, so the total is their sum less the overlap.
 */
function combinedSavings(ctx: RuleContext, recs: Recommendation[]): number {
  const find = (type: string) => recs.find((r) => r.type === type);
  const sum = round2(recs.reduce((s, r) => s + r.potential_savings, 0));
  const resize = find('instance_type');
  if (!resize || find('idle')) return sum;
  const p0 = ctx.priced.usdPerHour;
  const newRow = ctx.catalog.find(ctx.priced.row.provider, resize.recommended, ctx.priced.row.region);
  const p1 = (resize.evidence.candidate as { usd_per_hour: number }).usd_per_hour;
  const spot = find('spot');
  const busyHours = spot ? Number(spot.evidence.monthly_busy_hours) : 0;
  const p2 = newRow?.spot_usd_per_hour ?? p1;
  const spotBefore = ctx.priced.row.spot_usd_per_hour ?? p0;
  const idleHours = Number(find('scheduling')?.evidence.monthly_idle_hours ?? 0);
  const overlap = (p0 - spotBefore - p1 + p2) * busyHours + (p0 - p1) * idleHours;
  return round2(sum - overlap);
}

function messageOf(result: OptimizeResult): string {
  const n = result.recommendations.length;
  const from = `priced from ${result.catalog.file} (sha256 ${result.catalog.sha256.slice(0, 12)}, ${result.catalog.rows} rows, capture date ${result.catalog.captured_at ?? 'unknown'})`;
  if (n === 0) return `No recommendation: over ${result.hours_of_data} h of data this instance's size, lifecycle and hours fit its work; ${from}.`;
  return `${n} recommendation${n === 1 ? '' : 's'} worth $${result.total_potential_savings.toFixed(2)} a month, ${from}.`;
}

/** Evaluates one instance: every rule, its evidence and confidence, and the combined savings. */
export function recommend(input: RecommendationInput): OptimizeResult {
  const t = resolveThresholds(input.thresholds);
  const profile = buildUsageProfile(input.instance.gpus, input.usage, input.now, t);
  const priced = priceInstance(input.instance, input.catalog, t.allowRegionFallback);
  const result = head(input, profile, priced, t);
  if (profile.observedHours < t.minHoursOfData) {
    const missing = t.minHoursOfData - profile.observedHours;
    const message = `Only ${profile.observedHours} h of usage data in the last ${t.lookbackDays} days: recommendations need at least ${t.minHoursOfData} h, so about ${missing} more hour${missing === 1 ? '' : 's'} of agent data.`;
    return { ...result, status: 'insufficient_data', message };
  }
  if (!priced) {
    const { provider, instance_type, region } = input.instance;
    const message = `${provider} ${instance_type} in ${region} is not in the GPU catalog (${input.catalog.identity.file}), so it cannot be priced and no recommendation is made.`;
    return { ...result, status: 'not_priced', message };
  }
  const slots = countSlots(profile.hours);
  const ctx: RuleContext = {
    instance: input.instance,
    profile,
    priced,
    catalog: input.catalog,
    t,
    slots,
    processes: input.processes,
    evidence: baseEvidence(profile, slots, priced, t.lookbackDays),
    coverage: profile.coverage * (priced.regionFallback ? REGION_FALLBACK_FACTOR : 1),
    monthlyRunningHours: (profile.observedHours / profile.effectiveHours) * HOURS_PER_MONTH,
  };
  const idle = idleRule(ctx);
  const recs = idle ? [idle] : [instanceTypeRule(ctx), spotRule(ctx), schedulingRule(ctx)].filter((r): r is Recommendation => r !== null);
  const total = combinedSavings(ctx, recs);
  const sorted = [...recs].sort((a, b) => b.potential_savings - a.potential_savings);
  const done: OptimizeResult = { ...result, recommendations: sorted, total_potential_savings: total };
  return { ...done, message: messageOf(done) };
}
