/** The per-app services routes share (built once by createApi; nothing module-level). */
import type { LoginThrottle } from '../domain/auth/login_throttle.js';
import type { TokenService } from '../domain/auth/tokens.js';
import type { RequestStats } from './steps/request_stats.js';

/** Services handed to the route areas alongside ApiDeps. */
export interface ApiServices {
  tokens: TokenService;
  throttle: LoginThrottle;
  stats: RequestStats;
  /** A hash verified against when an email is unknown, so timing does not reveal accounts. */
  decoyHash: () => Promise<string>;
}
