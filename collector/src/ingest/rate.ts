/** Per-second rates of ever-growing counters over a sliding window (for /api/admin/metrics). */

/** Samples a counter every `stepMs` and answers its rate over the last `windowMs`. */
export function createRateMeter(read: () => number, opts: { stepMs?: number; windowMs?: number; now?: () => number } = {}) {
  const stepMs = opts.stepMs ?? 5_000;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? (() => Date.now());
  const points: Array<{ t: number; v: number }> = [{ t: now(), v: read() }];
  const tick = () => {
    points.push({ t: now(), v: read() });
    while (points.length > 2 && (points[0] as { t: number }).t < now() - windowMs) points.shift();
  };
  const timer = setInterval(tick, stepMs);
  timer.unref();
  return {
    tick,
    /** Counter increase per second over the window (0 before two readings). */
    perSecond(): number {
      const first = points[0] as { t: number; v: number };
      const t = now();
      const elapsedS = (t - first.t) / 1000;
      return elapsedS > 0 ? Math.round(((read() - first.v) / elapsedS) * 10) / 10 : 0;
    },
    stop: () => clearInterval(timer),
  };
}
