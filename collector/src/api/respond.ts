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
