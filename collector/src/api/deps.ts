/**
 * What the REST API is handed by the composition root. Config is resolved once before this;
 * nothing under api/ reads process.env. Other areas extend ApiDeps by adding optional members
 * here (or by declaration merging: `declare module '../deps.js' { interface MetricsApiDeps { … } }`).
 */
import type { ErrorCode } from '@gpuoptimizer/shared';
import type { Clock, ServiceHealth, UsageReader } from '../ports.js';
import type { AppRepos, GpuSummary } from '../stores/app/types.js';
import type { RateLimitStore } from './steps/rate_limit_store.js';

/** Settings of the REST API. */
export interface ApiConfig {
  /** HS256 secret for session tokens, at least 32 characters. */
  jwtSecret: string;
  tokenTtlSeconds: number;
  /** Origins allowed by CORS (API-SPEC's list by default: see DEFAULT_CORS_ORIGINS). */
  corsOrigins: readonly string[];
  bodyLimitBytes: number;
  /** Product version shown by /api/health and the OpenAPI document. */
  version: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
  /** Hourly allowance per client address for unauthenticated requests (default 1,000). */
  anonymousRequestsPerHour?: number;
  /** Failed logins per email+address before a lock, and the lock's length. */
  loginMaxFailures?: number;
  loginLockMs?: number;
}

/** API-SPEC's CORS origins. */
export const DEFAULT_CORS_ORIGINS: readonly string[] = [
  'https://gpuoptimizer.ai',
  'https://app.gpuoptimizer.ai',
  'http://localhost:3000',
];

/** pino-compatible logger (the subset the API uses). */
export interface ApiLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Prices the GPUs of GET /api/gpus. */
export interface GpuPricing {
  price(gpu: GpuSummary): { cost_per_hour: number | null; savings: number | null };
  /** Changes whenever a price of this tenant's GPUs may have changed (a new evaluation). */
  revision(tenantId: string): number;
}

/** The GPU instance catalog, as far as validation needs it. */
export interface InstanceCatalog {
  hasInstanceType(provider: string, instanceType: string): boolean;
}

/** Filled by the metrics area (GET /api/gpus/{id}/metrics); extend as needed. */
export interface MetricsApiDeps {
  usage: UsageReader;
}

/** Filled by the recommendations area (GET /api/gpus/{id}/optimize); extend as needed. */
export interface RecommendationApiDeps {
  usage: UsageReader;
}

/** Everything createApi needs. */
export interface ApiDeps {
  config: ApiConfig;
  store: AppRepos;
  clock: Clock;
  logger: ApiLogger;
  /** Each backing service's real state (metrics store, app store, ingest …). */
  health: () => Promise<Record<string, ServiceHealth>>;
  /** Ingest rate, stored samples, store latency, queue depths … from the composition root. */
  adminMetrics: () => Promise<Record<string, unknown>>;
  pricing?: GpuPricing;
  catalog?: InstanceCatalog;
  /** Shared counter store for rate limits; in-memory when absent. */
  rateLimitStore?: RateLimitStore;
  metrics?: MetricsApiDeps;
  recommendations?: RecommendationApiDeps;
}

/** Error codes a route may answer with, for the OpenAPI document. */
export type DocumentedErrors = readonly ErrorCode[];
