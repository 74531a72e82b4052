/**
 * Per-plan hourly limits keyed by API key, else user, else client address. Every response carries
 * X-RateLimit-Limit/-Remaining/-Reset (epoch seconds); over the limit is 429 RATE_LIMITED with
 * Retry-After. An unlimited plan shows `unlimited` in Limit and Remaining.
 */
import type { Context } from 'hono';
import { requestsPerHour } from '../../domain/accounts/plans.js';
import type { Clock } from '../../ports.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../env.js';
import { responseHeadersOf } from '../http.js';
import { clientIp } from './client_ip.js';
import type { RateLimitStore } from './rate_limit_store.js';

const HOUR_MS = 3_600_000;

/** Options of the rate limiter. */
export interface RateLimitOptions {
  store: RateLimitStore;
  clock: Clock;
  anonymousPerHour: number;
  trustProxy: boolean;
}

/** Builds the rate-limit step; it runs after identify and throws RATE_LIMITED over the limit. */
export function rateLimit(opts: RateLimitOptions): (c: Context<AppEnv>) => void {
  return function limitRate(c) {
    const p = c.get('principal');
    const key = p ? (p.keyId ? `key:${p.keyId}` : `usr:${p.user.id}`) : `ip:${clientIp(c, opts.trustProxy)}`;
    const limit = p ? requestsPerHour(p.user.plan) : opts.anonymousPerHour;
    const now = opts.clock.now().getTime();
    const w = opts.store.hit(key, HOUR_MS, now);
    const resetS = Math.ceil(w.resetAtMs / 1000);
    const headers = responseHeadersOf(c);
    headers['X-RateLimit-Reset'] = String(resetS);
    if (limit === null) {
      headers['X-RateLimit-Limit'] = 'unlimited';
      headers['X-RateLimit-Remaining'] = 'unlimited';
      return;
    }
    headers['X-RateLimit-Limit'] = String(limit);
    headers['X-RateLimit-Remaining'] = String(Math.max(0, limit - w.count));
    if (w.count > limit) {
      const retryS = Math.max(1, Math.ceil((w.resetAtMs - now) / 1000));
      throw new ApiError('RATE_LIMITED', 'Rate limit exceeded', `limit ${limit} requests per hour; retry in ${retryS} s`, {
        'Retry-After': String(retryS),
      });
    }
  };
}
