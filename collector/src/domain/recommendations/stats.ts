/** Small numeric helpers shared by the rules. */

/** Hours in an average month (8,760 / 12), the unit of every monthly saving. */
export const HOURS_PER_MONTH = 730;
export const HOUR_MS = 3_600_000;

/** Linear-interpolated percentile (numpy's default) of the values; null when there are none. */
export function percentile(values: readonly number[], pct: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (pct / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (rank - lo);
}

/** Rounds to 2 decimals (money, shares). */
export function round2(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}

/** Rounds to 1 decimal (percentages), keeping null. */
export function round1(n: number | null): number | null {
  return n === null ? null : Math.round(n * 10) / 10;
}

/** Clamps to [0, 1]. */
export function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

/**
 * Confidence of a recommendation: the rule's base (how reliable the rule is when fully backed),
 * scaled by data coverage (hours observed ÷ lookback) and by how far the evidence sits from the
 * thresholds (margin 0 halves it, margin 1 keeps it).
 */
export function confidenceOf(base: number, coverage: number, margin: number): number {
  return round2(clamp01(base * clamp01(coverage) * (0.5 + 0.5 * clamp01(margin))));
}

/** Max of the non-null values, or null. */
export function maxOrNull(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : Math.max(...present);
}

/** Formats USD per hour for a sentence: `$7.35/h`. */
export function usdPerHour(n: number): string {
  return `$${n.toFixed(2)}/h`;
}

/** Formats MiB as GiB with one decimal. */
export function gib(mib: number): string {
  return `${(mib / 1024).toFixed(1)} GiB`;
}
