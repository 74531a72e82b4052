/**
 * Hour-of-week view of an instance's usage (UTC, Monday 00:00 = slot 0): which of the 168 slots
 * were idle in every week they were observed, and the stop windows those slots form.
 */
import type { HourState } from './usage_profile.js';
import type { HourOfWeekPattern, ScheduleWindow } from './types.js';

const SLOTS = 168;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Per-slot counts over the lookback. */
export interface SlotCounts {
  observed: number[];
  idle: number[];
  /** Highest GPU p95 utilisation seen in the slot's idle hours. */
  idleUtilMax: Array<number | null>;
}

/** The hour-of-week slot of an hour start (UTC). */
export function slotOf(hourMs: number): number {
  const d = new Date(hourMs);
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}

/** Counts observed and idle hours per hour-of-week slot. */
export function countSlots(hours: Map<number, HourState>): SlotCounts {
  const counts: SlotCounts = { observed: new Array<number>(SLOTS).fill(0), idle: new Array<number>(SLOTS).fill(0), idleUtilMax: new Array<number | null>(SLOTS).fill(null) };
  for (const [hourMs, state] of hours) {
    const slot = slotOf(hourMs);
    counts.observed[slot] = (counts.observed[slot] ?? 0) + 1;
    if (!state.idle) continue;
    counts.idle[slot] = (counts.idle[slot] ?? 0) + 1;
    const u = state.utilP95Max;
    const before = counts.idleUtilMax[slot] ?? null;
    counts.idleUtilMax[slot] = u === null ? before : Math.max(before ?? 0, u);
  }
  return counts;
}

/** The per-day pattern strings of the evidence. */
export function hourOfWeekPattern(counts: SlotCounts): HourOfWeekPattern {
  const days = {} as HourOfWeekPattern['days'];
  DAYS.forEach((day, d) => {
    let text = '';
    for (let h = 0; h < 24; h++) {
      const observed = counts.observed[d * 24 + h] ?? 0;
      const idle = counts.idle[d * 24 + h] ?? 0;
      text += observed === 0 ? '-' : idle === observed ? '.' : idle === 0 ? '#' : '~';
    }
    days[day] = text;
  });
  return { timezone: 'UTC', legend: "one character per hour from 00:00 UTC: '#' busy every week, '.' idle every week, '~' mixed, '-' no data", days };
}

/** Label of a slot: `Sat 00:00`. */
export function slotLabel(slot: number): string {
  const s = ((slot % SLOTS) + SLOTS) % SLOTS;
  return `${DAY_LABELS[Math.floor(s / 24)] ?? '?'} ${String(s % 24).padStart(2, '0')}:00`;
}

/** A run of recurring idle slots. */
export interface SlotRun {
  start: number;
  length: number;
}

/** Slots idle in every observed week, observed in at least `minWeeks` weeks. */
export function recurringIdleSlots(counts: SlotCounts, minWeeks: number): boolean[] {
  return counts.observed.map((o, s) => o >= minWeeks && counts.idle[s] === o);
}

/**
 * Maximal runs of marked slots around the week (a run may wrap from Sunday into Monday).
 * Returns [] when every slot is marked: that is an idle instance, not a schedule.
 */
export function slotRuns(marked: boolean[]): SlotRun[] {
  if (marked.every(Boolean)) return [];
  const runs: SlotRun[] = [];
  for (let s = 0; s < SLOTS; s++) {
    const prev = marked[(s + SLOTS - 1) % SLOTS];
    if (!marked[s] || prev) continue;
    let length = 0;
    while (marked[(s + length) % SLOTS]) length++;
    runs.push({ start: s, length });
  }
  return runs.sort((a, b) => a.start - b.start);
}

/** The schedule windows of the runs. */
export function scheduleWindows(runs: SlotRun[]): ScheduleWindow[] {
  return runs.map((r) => ({ stop_at: `${slotLabel(r.start)} UTC`, start_at: `${slotLabel(r.start + r.length)} UTC`, hours_per_week: r.length }));
}

/** Every slot in the runs. */
export function slotsIn(runs: SlotRun[]): number[] {
  return runs.flatMap((r) => Array.from({ length: r.length }, (_, i) => (r.start + i) % SLOTS));
}
