/**
 * Brute-force brake for logins: after `maxFailures` failures for one email+ip within `windowMs`,
 * further attempts are refused until `lockMs` has passed. In memory, bounded, clock injected.
 */
import type { Clock } from '../../ports.js';

/** Settings of the throttle. */
export interface ThrottleOptions {
  clock: Clock;
  maxFailures?: number;
  windowMs?: number;
  lockMs?: number;
  maxEntries?: number;
}

interface Entry {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

/** Counts login failures per key and says when a key is locked. */
export interface LoginThrottle {
  /** Epoch ms until which the key is locked, or null when it may try. */
  lockedUntil(key: string): number | null;
  recordFailure(key: string): void;
  recordSuccess(key: string): void;
}

/** Builds an in-memory login throttle. */
export function createLoginThrottle(opts: ThrottleOptions): LoginThrottle {
  const maxFailures = opts.maxFailures ?? 5;
  const windowMs = opts.windowMs ?? 15 * 60_000;
  const lockMs = opts.lockMs ?? 15 * 60_000;
  const maxEntries = opts.maxEntries ?? 100_000;
  const entries = new Map<string, Entry>();
  const now = () => opts.clock.now().getTime();

  function prune(t: number): void {
    for (const [k, e] of entries) {
      if (e.lockedUntil <= t && e.firstAt + windowMs <= t) entries.delete(k);
    }
    // Still full: drop the oldest so memory stays bounded under a spray of emails.
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  }

  return {
    lockedUntil(key) {
      const e = entries.get(key);
      return e && e.lockedUntil > now() ? e.lockedUntil : null;
    },
    recordFailure(key) {
      const t = now();
      let e = entries.get(key);
      if (!e || e.firstAt + windowMs <= t) {
        if (entries.size >= maxEntries) prune(t);
        e = { failures: 0, firstAt: t, lockedUntil: 0 };
        entries.set(key, e);
      }
      e.failures += 1;
      if (e.failures >= maxFailures) e.lockedUntil = t + lockMs;
    },
    recordSuccess(key) {
      entries.delete(key);
    },
  };
}
