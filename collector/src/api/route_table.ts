/**
 * The route table: every operation is added through `router.add(spec, handler)`, which registers
 * it with Hono behind its auth check and input parsing, and records the spec so the OpenAPI
 * document, the Postman collection and the security suite all come from the same schemas.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { ErrorCode } from '@gpuoptimizer/shared';
import { ApiError } from './errors.js';
import type { AppEnv } from './env.js';
import type { Pipeline } from './pipeline.js';
import { readJson, readParams, readQuery } from './validate.js';

/** Who may call a route. */
export type AuthLevel = 'public' | 'user' | 'admin';

type Schema = z.ZodType | undefined;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** One operation: what it takes, what it returns, who may call it. */
export interface RouteSpec<B extends Schema = Schema, Q extends Schema = Schema, P extends Schema = Schema> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono path, e.g. `/api/gpus/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: AuthLevel;
  body?: B;
  query?: Q;
  params?: P;
  /** Schema of the envelope's `data` on success. */
  response?: z.ZodType;
  paginated?: boolean;
  successStatus?: 200 | 201;
  /** Error codes this route answers with beyond the common ones. */
  errors?: readonly ErrorCode[];
  /** A valid request body (Postman collection, docs, tests). */
  example?: Record<string, unknown>;
  /** Not JSON (the docs page). */
  produces?: string;
}

/** Parsed inputs handed to a handler. */
export interface RouteInput<B extends Schema, Q extends Schema, P extends Schema> {
  body: Infer<B>;
  query: Infer<Q>;
  params: Infer<P>;
}

/** The API's route registry. */
export interface ApiRouter {
  readonly app: Hono<AppEnv>;
  readonly routes: readonly RouteSpec[];
  add<B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined>(
    spec: RouteSpec<B, Q, P>,
    handler: (c: Context<AppEnv>, input: RouteInput<B, Q, P>) => Response | Promise<Response>,
  ): void;
}

/** Refuses callers that the route's auth level does not admit. */
export function requireAuth(c: Context<AppEnv>, level: AuthLevel): void {
  if (level === 'public') return;
  const p = c.get('principal');
  if (!p) {
    const failure = c.get('authFailure');
    if (failure === 'agent_scope') throw new ApiError('FORBIDDEN', 'Forbidden', 'agent keys are valid only for ingest');
    if (failure === 'inactive') throw new ApiError('FORBIDDEN', 'Forbidden', 'the account is inactive');
    throw new ApiError('UNAUTHORIZED', 'Unauthorized', failure ? 'invalid or expired credentials' : 'credentials required', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  if (level === 'admin' && p.user.role !== 'admin') throw new ApiError('FORBIDDEN', 'Forbidden', 'admin role required');
}

/** Builds a router over a Hono app; every route runs inside `pipeline`. */
export function createRouter(app: Hono<AppEnv>, pipeline: Pipeline): ApiRouter {
  const routes: RouteSpec[] = [];
  return {
    app,
    routes,
    add(spec, handler) {
      routes.push(spec as RouteSpec);
      type Input = Parameters<typeof handler>[1];
      const { params, query, body } = spec;
      const paramsOf = (c: Context<AppEnv>) => (params ? readParams(c, params) : undefined);
      const queryOf = (c: Context<AppEnv>) => (query ? readQuery(c, query) : undefined);
      // Only a body needs awaiting; other routes stay synchronous up to their handler. Path and
      // query are checked before the body is read (an object literal evaluates in order).
      app.on(spec.method.toUpperCase(), spec.path, pipeline(body
        ? async (c) => {
          requireAuth(c, spec.auth);
          return handler(c, { params: paramsOf(c), query: queryOf(c), body: await readJson(c, body) } as Input);
        }
        : (c) => {
          requireAuth(c, spec.auth);
          return handler(c, { params: paramsOf(c), query: queryOf(c), body: undefined } as Input);
        }));
    },
  };
}

/** The current principal of a route that required auth. */
export function principalOf(c: Context<AppEnv>) {
  const p = c.get('principal');
  if (!p) throw new ApiError('UNAUTHORIZED', 'Unauthorized', 'credentials required');
  return p;
}
