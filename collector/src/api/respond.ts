/** The success envelope: `{success, data, message, timestamp}`, plus `pagination` for lists. */
import { paginate, type SuccessEnvelope } from '@gpuoptimizer/shared';
import type { Context } from 'hono';
import type { Clock } from '../ports.js';

/** Renders a success envelope. */
export function ok<T>(
  c: Context,
  clock: Clock,
  data: T,
  message: string,
  opts: { status?: 200 | 201; page?: { page: number; perPage: number; total: number } } = {},
): Response {
  const body: SuccessEnvelope<T> = { success: true, data, message, timestamp: clock.now().toISOString() };
  if (opts.page) body.pagination = paginate(opts.page.page, opts.page.perPage, opts.page.total);
  return c.json(body, opts.status ?? 200);
}

/** Renders a success envelope around `data` already serialised (for cached responses). */
export function okSerialized(
  c: Context,
  clock: Clock,
  dataJson: string,
  message: string,
  page?: { page: number; perPage: number; total: number },
): Response {
  const pagination = page ? `,"pagination":${JSON.stringify(paginate(page.page, page.perPage, page.total))}` : '';
  const ts = clock.now().toISOString();
  const body = `{"success":true,"data":${dataJson},"message":${JSON.stringify(message)},"timestamp":"${ts}"${pagination}}`;
  return c.body(body, 200, { 'Content-Type': 'application/json' });
}
