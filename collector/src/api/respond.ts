/** The success envelope: `{success, data, message, timestamp}`, plus `pagination` for lists. */
import { paginate, type SuccessEnvelope } from '@gpuoptimizer/shared';
import type { Context } from 'hono';
import type { Clock } from '../ports.js';
import type { AppEnv } from './env.js';
import { JSON_TYPE, send } from './http.js';

/** Renders a success envelope. */
export function ok<T>(
  c: Context<AppEnv>,
  clock: Clock,
  data: T,
  message: string,
  opts: { status?: 200 | 201; page?: { page: number; perPage: number; total: number } } = {},
): Response {
  const body: SuccessEnvelope<T> = { success: true, data, message, timestamp: clock.now().toISOString() };
  if (opts.page) body.pagination = paginate(opts.page.page, opts.page.perPage, opts.page.total);
  return send(c, opts.status ?? 200, JSON.stringify(body), JSON_TYPE);
}

/** Renders a success envelope around `data` already serialised (for cached responses). */
export function okSerialized(
  c: Context<AppEnv>,
  clock: Clock,
  dataJson: string,
  message: string,
  page?: { page: number; perPage: number; total: number },
): Response {
  const pagination = page ? `,"pagination":${JSON.stringify(paginate(page.page, page.perPage, page.total))}` : '';
  const tail = `,"message":${JSON.stringify(message)},"timestamp":"${clock.now().toISOString()}"${pagination}}`;
  return send(c, 200, `{"success":true,"data":${dataJson}${tail}`, JSON_TYPE);
}
