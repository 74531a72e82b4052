/**
 * What every request goes through, in order: frame (request id, security headers, CORS
 * preflights), identify, rate limit, the body limit for methods with a body, then the route's
 * handler; any error becomes the error envelope; the answer is counted for /api/admin/metrics and
 * carries the request's headers.
 *
 * The steps run as plain calls inside each route's handler (the route table wraps every route,
 * and the not-found handler runs the same pipeline), not as Hono middleware: Hono composes
 * middleware through promises, whereas here a request whose steps are all synchronous — an API
 * key or an already-verified token, a cached page — is answered synchronously, and
 * @hono/node-server then writes it without a trip through the microtask queue. Measured with
 * `npm run bench:api`: about a tenth more requests per second on GET /api/gpus.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { withRequestHeaders } from './http.js';
import type { RequestStats } from './steps/request_stats.js';

/** A route handler as the pipeline runs it. */
export type PipelineHandler = (c: Context<AppEnv>) => Response | Promise<Response>;

/** The steps, built by the app. */
export interface PipelineSteps {
  frame: (c: Context<AppEnv>) => Response | undefined;
  identify: (c: Context<AppEnv>) => void | Promise<void>;
  rateLimit: (c: Context<AppEnv>) => void;
  /** Hono's body-limit middleware, run for methods that carry a body. */
  bodyLimit: MiddlewareHandler<AppEnv>;
  stats: RequestStats;
  renderError: (err: unknown, c: Context<AppEnv>) => Response;
}

/** Wraps handlers in the pipeline. */
export type Pipeline = (handler: PipelineHandler) => PipelineHandler;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const noop = async () => undefined;

/** Builds the pipeline over its steps. */
export function createPipeline(steps: PipelineSteps): Pipeline {
  function afterIdentify(c: Context<AppEnv>, handler: PipelineHandler): Response | Promise<Response> {
    steps.rateLimit(c);
    if (BODY_METHODS.has(c.req.method)) return Promise.resolve(steps.bodyLimit(c, noop)).then(() => handler(c));
    return handler(c);
  }

  function run(c: Context<AppEnv>, handler: PipelineHandler): Response | Promise<Response> {
    const preflight = steps.frame(c);
    if (preflight) return preflight;
    const identified = steps.identify(c);
    if (identified instanceof Promise) return identified.then(() => afterIdentify(c, handler));
    return afterIdentify(c, handler);
  }

  function finish(c: Context<AppEnv>, res: Response): Response {
    const out = withRequestHeaders(c, res);
    steps.stats.count(out.status);
    return out;
  }

  return (handler) => (c) => {
    let res: Response | Promise<Response>;
    try {
      res = run(c, handler);
    } catch (err) {
      return finish(c, steps.renderError(err, c));
    }
    if (res instanceof Promise) {
      return res.then((r) => finish(c, r), (err: unknown) => finish(c, steps.renderError(err, c)));
    }
    return finish(c, res);
  };
}
