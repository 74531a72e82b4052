/**
 * Re-evaluates every tenant's recommendations on a timer, so `GET /api/gpus` savings and
 * `/api/stats` cost_savings are filled without anyone opening /optimize first. In-process and
 * best effort: a failure is logged and the next round tries again; nothing here can stop ingest.
 */
import { evaluateTenant, type RecommendationDeps } from '../api/recommendations/index.js';
import { thresholdsFor } from '../api/recommendations/evaluate.js';
import type { UsersRepo } from '../stores/app/types.js';
import type { LogFn } from '../log.js';

/** What the refresh needs. */
export interface RefreshOptions {
  deps: RecommendationDeps;
  users: UsersRepo;
  log: LogFn;
  /** Between rounds; below the recommendation cache's one-hour lifetime so figures never lapse. */
  intervalMs?: number;
  /** Before the first round, so start-up stays quick. */
  firstDelayMs?: number;
}

/** Evaluates every tenant once; resolves with how many instances were evaluated. */
export async function refreshAll(opts: RefreshOptions): Promise<number> {
  const t = thresholdsFor(opts.deps, undefined);
  let instances = 0;
  for (let page = 1; ; page++) {
    const { rows, total } = opts.users.list({ page, perPage: 100 });
    for (const user of rows) {
      try {
        instances += (await evaluateTenant(opts.deps, user.id, t)).length;
      } catch (err) {
        opts.log('warn', 'recommendation refresh failed for a tenant', { tenant_id: user.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (page * 100 >= total) return instances;
  }
}

/** Starts the periodic refresh; `stop()` is idempotent. */
export function startRecommendationRefresh(opts: RefreshOptions): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = async () => {
    const t0 = performance.now();
    const instances = await refreshAll(opts).catch((err: unknown) => {
      opts.log('warn', 'recommendation refresh failed', { error: err instanceof Error ? err.message : String(err) });
      return 0;
    });
    opts.log('info', 'recommendations refreshed', { instances, ms: Math.round(performance.now() - t0) });
    if (!stopped) timer = setTimeout(() => void round(), opts.intervalMs ?? 50 * 60_000).unref();
  };
  timer = setTimeout(() => void round(), opts.firstDelayMs ?? 30_000).unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
