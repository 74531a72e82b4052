/**
 * `scheduling`: hour-of-week slots (UTC) that were idle in every week they were observed, over at
 * least two weeks, form stop windows (nights, weekends). Windows shorter than the minimum are
 * dropped: a stop that short does not repay the boot and warm-up. Savings are the price over
 * those recurring idle hours, per month.
 */
import type { RuleContext } from './context.js';
import { recurringIdleSlots, scheduleWindows, slotRuns, slotsIn } from './hour_of_week.js';
import { clamp01, confidenceOf, round2, usdPerHour } from './stats.js';
import type { Recommendation } from './types.js';

/** The schedule recommendation, or null when no idle window recurs. */
export function schedulingRule(ctx: RuleContext): Recommendation | null {
  const { profile, priced, slots, t } = ctx;
  const runs = slotRuns(recurringIdleSlots(slots, t.scheduleMinWeeks)).filter((r) => r.length >= t.scheduleMinWindowHours);
  if (runs.length === 0) return null;
  const inWindows = slotsIn(runs);
  const idleHoursSeen = inWindows.reduce((sum, s) => sum + (slots.idle[s] ?? 0), 0);
  const monthlyHours = (idleHoursSeen / profile.effectiveHours) * 730;
  const savings = round2(priced.usdPerHour * monthlyHours);
  if (savings < t.minMonthlySavingsUsd) return null;
  const windows = scheduleWindows(runs);
  const weeks = Math.min(...inWindows.map((s) => slots.observed[s] ?? 0));
  const idleUtil = Math.max(0, ...inWindows.map((s) => slots.idleUtilMax[s] ?? 0));
  const margin = (clamp01((weeks - 1) / 3) + clamp01(t.idleUtilizationPct > 0 ? 1 - idleUtil / t.idleUtilizationPct : 1)) / 2;
  const perWeek = windows.reduce((sum, w) => sum + w.hours_per_week, 0);
  const first = windows.map((w) => `${w.stop_at} \u2192 ${w.start_at}`).join('; ');
  return {
    type: 'scheduling',
    current: `${priced.row.instance_type} running 24/7`,
    recommended: `stop ${first}`,
    recommendation: 'Stop and start this instance on a schedule',
    potential_savings: savings,
    confidence: confidenceOf(0.9, ctx.coverage, margin),
    reason: `The same ${perWeek} hours of the week were idle in each of at least ${weeks} weeks observed, so a start/stop schedule saves ${usdPerHour(priced.usdPerHour)} for about ${Math.round(monthlyHours)} h a month.`,
    risk: {
      level: 'low',
      kind: 'availability',
      notes: [
        'Times are UTC. Work submitted in a stopped window waits for the next start.',
        'Allow for boot and warm-up before the first job of each window.',
      ],
    },
    schedule: windows,
    evidence: { ...ctx.evidence, weeks_observed: weeks, recurring_idle_hours_per_week: perWeek, monthly_idle_hours: round2(monthlyHours) },
  };
}
