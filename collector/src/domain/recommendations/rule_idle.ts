/**
 * `idle`: an instance whose GPUs were all below the utilisation and memory thresholds for most
 * of the observed hours should be stopped (and started when work arrives). Savings are the
 * price over the idle hours. An idle instance gets no other recommendation: stopping it
 * saves more than resizing or rescheduling it.
 */
import type { RuleContext } from './context.js';
import { clamp01, confidenceOf, round2, usdPerHour } from './stats.js';
import type { Recommendation } from './types.js';

/** The idle recommendation, or null when the instance did real work for more than the allowed share. */
export function idleRule(ctx: RuleContext): Recommendation | null {
  const { profile, priced, t } = ctx;
  if (profile.idleShare < t.idleShareMin) return null;
  const monthlyIdleHours = (profile.idleHours / profile.effectiveHours) * 730;
  const savings = round2(priced.usdPerHour * monthlyIdleHours);
  if (savings < t.minMonthlySavingsUsd) return null;
  const idleUtil = Math.max(0, ...[...profile.hours.values()].filter((s) => s.idle).map((s) => s.utilP95Max ?? 0));
  const shareMargin = t.idleShareMin >= 1 ? 1 : (profile.idleShare - t.idleShareMin) / (1 - t.idleShareMin);
  const utilMargin = t.idleUtilizationPct > 0 ? 1 - idleUtil / t.idleUtilizationPct : 1;
  const pct = Math.round(profile.idleShare * 100);
  const busyHours = profile.activeHours;
  return {
    type: 'idle',
    current: priced.row.instance_type,
    recommended: 'stop',
    recommendation: 'Stop this instance while it is idle',
    potential_savings: savings,
    confidence: confidenceOf(0.95, ctx.coverage, (clamp01(shareMargin) + clamp01(utilMargin)) / 2),
    reason: `Every GPU was below ${t.idleUtilizationPct} % utilisation and ${t.idleMemoryPct} % memory in ${pct} % of the ${profile.observedHours} observed hours, so stopping it when idle saves ${usdPerHour(priced.usdPerHour)} for about ${Math.round(monthlyIdleHours)} h a month.`,
    risk: {
      level: busyHours === 0 ? 'low' : 'medium',
      kind: 'availability',
      notes: [
        busyHours === 0 ? 'No busy hour was seen in the lookback.' : `${busyHours} busy hours were seen: start it on demand for that work.`,
        'Check it is not a standby or failover node kept warm on purpose.',
      ],
    },
    evidence: { ...ctx.evidence, idle_hours: profile.idleHours, monthly_idle_hours: round2(monthlyIdleHours), idle_max_utilization_pct: idleUtil },
  };
}
