/**
 * `spot`: an on-demand instance whose work tolerates interruption — bursts of work with idle
 * gaps between them, or processes that start and end — moves to spot where the catalog has a
 * spot price. Savings are the price gap over the hours the work runs. Confidence is capped below
 * right-sizing's: usage shows the work is batch-like, not that it checkpoints.
 */
import type { RuleContext } from './context.js';
import { describeLifecycle } from './context.js';
import { HOUR_MS, clamp01, confidenceOf, round2, usdPerHour } from './stats.js';
import type { Recommendation, Risk } from './types.js';

/** How batch-like the work looks. */
interface BatchSignal {
  bursts: number;
  activeShare: number;
  completedRuns: number | null;
  longLived: boolean;
  batch: boolean;
}

/** Runs of busy hours, with unobserved hours counted as gaps (the instance was off). */
function countBursts(ctx: RuleContext): number {
  const { profile } = ctx;
  let bursts = 0;
  let inBurst = false;
  for (let ms = profile.endMs - profile.effectiveHours * HOUR_MS; ms < profile.endMs; ms += HOUR_MS) {
    const state = profile.hours.get(ms);
    const active = state !== undefined && !state.idle;
    if (active && !inBurst) bursts++;
    inBurst = active;
  }
  return bursts;
}

function batchSignal(ctx: RuleContext): BatchSignal {
  const { profile, t, processes } = ctx;
  const bursts = countBursts(ctx);
  const activeShare = profile.observedHours === 0 ? 0 : profile.activeHours / profile.observedHours;
  const byBursts = bursts >= t.spotMinBursts && activeShare <= t.spotMaxActiveShare;
  if (!processes || processes.length === 0) return { bursts, activeShare, completedRuns: null, longLived: false, batch: byBursts };
  const spanMs = profile.effectiveHours * HOUR_MS;
  const alive = (p: (typeof processes)[number]) => (p.ended_at === null ? profile.endMs : Date.parse(p.ended_at)) - Math.max(Date.parse(p.started_at), profile.endMs - spanMs);
  const completedRuns = processes.filter((p) => p.ended_at !== null && Date.parse(p.ended_at) > profile.startMs).length;
  // A process alive for 90 % of the span is a server: serving does not tolerate interruption.
  const longLived = processes.some((p) => alive(p) >= 0.9 * spanMs);
  return { bursts, activeShare, completedRuns, longLived, batch: !longLived && (byBursts || completedRuns >= t.spotMinProcessRuns) };
}

function riskOf(ctx: RuleContext): Risk {
  const row = ctx.priced.row;
  const notice = { aws: '2 minutes', gcp: '30 seconds', azure: '30 seconds' }[row.provider];
  const notes = [
    `${row.provider.toUpperCase()} reclaims spot capacity with ${notice} notice: the work must checkpoint and resume.`,
    'The catalog spot price is indicative (it moves hourly and is the cheapest zone\u2019s); interruption frequency is not in the catalog.',
  ];
  const caution = /caution/i.test(row.source);
  if (caution) notes.push(`The catalog flags this spot price: ${row.source.slice(row.source.search(/caution/i))}`);
  if (row.gpu_count >= 8) notes.push('Large multi-GPU spot capacity is scarce and reclaimed more often.');
  return { level: caution || row.gpu_count >= 8 ? 'high' : 'medium', kind: 'interruption', notes };
}

/** The spot recommendation, or null when the instance is spot already, has no spot price, or serves continuously. */
export function spotRule(ctx: RuleContext): Recommendation | null {
  const { priced, profile, t } = ctx;
  const spot = priced.row.spot_usd_per_hour;
  const onDemand = priced.row.on_demand_usd_per_hour;
  if (priced.lifecycle !== 'on_demand' || spot === null || onDemand === null || spot >= onDemand) return null;
  const signal = batchSignal(ctx);
  if (!signal.batch) return null;
  const monthlyActiveHours = (profile.activeHours / profile.effectiveHours) * 730;
  const savings = round2((onDemand - spot) * monthlyActiveHours);
  if (savings < t.minMonthlySavingsUsd) return null;
  const evidenceCount = Math.max(signal.bursts / t.spotMinBursts, (signal.completedRuns ?? 0) / t.spotMinProcessRuns);
  const type = priced.row.instance_type;
  const runs = signal.completedRuns === null ? '' : ` and ${signal.completedRuns} processes started and ended`;
  return {
    type: 'spot',
    current: describeLifecycle(type, 'on_demand'),
    recommended: describeLifecycle(type, 'spot'),
    recommendation: 'Use spot instances for this batch-like work',
    potential_savings: savings,
    confidence: confidenceOf(0.7, ctx.coverage, clamp01((evidenceCount - 1) / 2 + 0.5)),
    reason: `The work came in ${signal.bursts} bursts with idle gaps${runs} (busy ${Math.round(signal.activeShare * 100)} % of observed hours), so it can run on spot at ${usdPerHour(spot)} instead of ${usdPerHour(onDemand)} for the ${Math.round(monthlyActiveHours)} h a month it works.`,
    risk: riskOf(ctx),
    evidence: {
      ...ctx.evidence,
      bursts: signal.bursts,
      busy_share: round2(signal.activeShare),
      completed_processes: signal.completedRuns,
      long_lived_process: signal.longLived,
      monthly_busy_hours: round2(monthlyActiveHours),
      spot_usd_per_hour: spot,
      on_demand_usd_per_hour: onDemand,
    },
  };
}
