/**
 * Fixed-window counters behind an interface, so a shared store (Redis, the app database) can
 * serve several collector replicas later. The in-memory one prunes expired windows as it goes.
 */

/** The state of one key's window after a hit. */
export interface WindowState {
  count: number;
  /** Epoch ms at which the window resets. */
  resetAtMs: number;
}

/** Counts hits per key in fixed windows. */
export interface RateLimitStore {
  hit(key: string, windowMs: number, nowMs: number): WindowState;
}

/** An in-memory store, bounded by pruning expired windows when it grows. */
export function createMemoryRateLimitStore(maxKeys = 100_000): RateLimitStore {
  const windows = new Map<string, WindowState>();
  return {
    hit(key, windowMs, nowMs) {
      let w = windows.get(key);
      if (!w || w.resetAtMs <= nowMs) {
        if (windows.size >= maxKeys) {
          for (const [k, v] of windows) if (v.resetAtMs <= nowMs) windows.delete(k);
        }
        w = { count: 0, resetAtMs: nowMs + windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return w;
    },
  };
}
