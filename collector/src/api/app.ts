/**
 * The REST API. createApi builds one Hono app per call (no module state): every area's routes
 * through the route table, so the OpenAPI document lists exactly what is served, each run inside
 * the request pipeline (pipeline.ts: frame → identify → rate limit → body limit → handler).
 *
 * Adding an area (metrics, recommendations …): write `registerXRoutes(router, deps)` in
 * `api/<area>/index.ts`, adding routes with `router.add(spec, handler)`, and either list it in
 * AREAS below or pass it as `createApi(deps, { areas: [registerXRoutes] })`.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createLoginThrottle } from '../domain/auth/login_throttle.js';
import { decoyHash } from '../domain/auth/password.js';
import { createTokenService } from '../domain/auth/tokens.js';
import { registerAdminRoutes } from './admin/index.js';
import { registerApiKeyRoutes } from './api_keys/index.js';
import { registerAuthRoutes } from './auth/index.js';
import type { ApiDeps } from './deps.js';
import { registerDocsRoutes } from './docs/index.js';
import type { AppEnv } from './env.js';
import { ApiError, renderError } from './errors.js';
import { registerGpuRoutes } from './gpus/index.js';
import { registerHealthRoutes } from './health/get_health.js';
import { send } from './http.js';
import { identify } from './steps/identify.js';
import { rateLimit } from './steps/rate_limit.js';
import { createMemoryRateLimitStore } from './steps/rate_limit_store.js';
import { createRequestStats } from './steps/request_stats.js';
import { frame } from './steps/frame.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { createRouter, type ApiRouter, type RouteSpec } from './route_table.js';
import type { ApiServices } from './services.js';
import { registerUserRoutes } from './users/index.js';
import { registerMetricsRoutes } from './metrics/index.js';

/** A function that registers one area's routes. */
export type ApiArea = (router: ApiRouter, deps: ApiDeps) => void;

/** Options of createApi beyond its dependencies. */
export interface CreateApiOptions {
  /** Further areas to register (after the built-in ones, before the docs). */
  areas?: readonly ApiArea[];
  /** Serves GET /metrics (Prometheus text, outside /api and the OpenAPI document) with this renderer. */
  prometheus?: (apiStats: Record<string, number>) => string;
}

/** Areas owned elsewhere, registered in this order; add registerMetricsRoutes / registerRecommendationRoutes here. */
const AREAS: readonly ApiArea[] = [registerMetricsRoutes];

function buildServices(deps: ApiDeps): ApiServices {
  const { config, clock } = deps;
  let decoy: Promise<string> | undefined;
  return {
    tokens: createTokenService({
      secret: config.jwtSecret, ttlSeconds: config.tokenTtlSeconds, clock,
      issuer: config.jwtIssuer ?? 'gpuoptimizer', audience: config.jwtAudience ?? 'gpuoptimizer-api',
    }),
    throttle: createLoginThrottle({
      clock, maxFailures: config.loginMaxFailures ?? 5, lockMs: config.loginLockMs ?? 15 * 60_000,
    }),
    stats: createRequestStats(clock),
    decoyHash: () => (decoy ??= decoyHash()),
  };
}

function buildPipeline(deps: ApiDeps, svc: ApiServices): Pipeline {
  const { config } = deps;
  return createPipeline({
    frame: frame({ corsOrigins: config.corsOrigins }),
    identify: identify({ tokens: svc.tokens, users: deps.store.users, apiKeys: deps.store.apiKeys }),
    rateLimit: rateLimit({
      store: deps.rateLimitStore ?? createMemoryRateLimitStore(), clock: deps.clock,
      anonymousPerHour: config.anonymousRequestsPerHour ?? 1_000, trustProxy: config.trustProxy ?? false,
    }),
    bodyLimit: bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', 'Payload too large', `the body limit is ${config.bodyLimitBytes} bytes`);
      },
    }),
    stats: svc.stats,
    renderError: (err, c) => renderError(err, c, deps.logger, deps.clock.now()),
  });
}

/** Builds the API and returns its route table too (the security suite iterates it). */
export function buildApi(deps: ApiDeps, opts: CreateApiOptions = {}): { app: Hono<AppEnv>; routes: readonly RouteSpec[] } {
  const app = new Hono<AppEnv>();
  const svc = buildServices(deps);
  const pipeline = buildPipeline(deps, svc);
  // Errors are rendered inside the pipeline; this catches anything that escapes it.
  app.onError((err, c) => renderError(err, c, deps.logger, deps.clock.now()));
  app.notFound(pipeline((c) => {
    throw new ApiError('NOT_FOUND', 'Not found', `no route ${c.req.method} ${c.req.path}`);
  }));
  const router = createRouter(app, pipeline);
  registerHealthRoutes(router, deps);
  registerAuthRoutes(router, deps, svc);
  registerUserRoutes(router, deps);
  registerApiKeyRoutes(router, deps);
  registerGpuRoutes(router, deps);
  registerAdminRoutes(router, deps, svc);
  for (const area of [...AREAS, ...(opts.areas ?? [])]) area(router, deps);
  registerDocsRoutes(router, deps);
  const prometheus = opts.prometheus;
  if (prometheus) {
    app.get('/metrics', pipeline((c) => send(c, 200, prometheus({ ...svc.stats.snapshot() }), 'text/plain; version=0.0.4; charset=utf-8')));
  }
  return { app, routes: router.routes };
}

/** Builds the REST API as a Hono app (serve it with @hono/node-server, or call app.request in tests). */
export function createApi(deps: ApiDeps, opts: CreateApiOptions = {}): Hono<AppEnv> {
  return buildApi(deps, opts).app;
}
