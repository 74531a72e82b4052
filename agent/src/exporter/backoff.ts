/** Jittered, capped exponential backoff for reconnecting to the collector. */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Injected in tests; Math.random otherwise. */
  random?: () => number;
}

/** A backoff sequence: each `next()` waits longer, up to the cap; `reset()` after a success. */
export interface Backoff {
  next(): number;
  reset(): void;
  attempts(): number;
}

/**
 * "Equal jitter": half the exponential step is fixed and half random, so a fleet that lost
 * the same collector does not reconnect in lock-step, yet no wait collapses to zero.
 */
export function createBackoff(opts: BackoffOptions): Backoff {
  const random = opts.random ?? Math.random;
  let attempt = 0;
  return {
    next() {
      const step = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
      attempt++;
      return Math.round(step / 2 + (step / 2) * random());
    },
    reset() {
      attempt = 0;
    },
    attempts: () => attempt,
  };
}
