/** The success envelope: `{success, data, message, timestamp}`, plus `pagination` for lists. */
import { paginate, type SuccessEnvelope } from '@gpuoptimizer/shared';
import type { Context } from 'hono';
import type { Clock } from '../ports.js';
import type { AppEnv } from './env.js';
import { JSON_TYPE, send, setHeader } from './http.js';

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

/**
 * A success envelope serialised ahead of time, all but its timestamp (for cached responses):
 * sending one joins three strings and knows the body's length without measuring it.
 */
export interface PreparedEnvelope {
  /** Everything up to the timestamp's opening quote. */
  readonly head: string;
  /** Everything after the timestamp's closing quote. */
  readonly tail: string;
  /** UTF-8 bytes of head and tail together. */
  readonly bytes: number;
}

/** Serialises an envelope around `dataJson` (already JSON) for sendPrepared. */
export function prepareEnvelope(dataJson: string, message: string, page?: { page: number; perPage: number; total: number }): PreparedEnvelope {
  const pagination = page ? `,"pagination":${JSON.stringify(paginate(page.page, page.perPage, page.total))}` : '';
  const head = `{"success":true,"data":${dataJson},"message":${JSON.stringify(message)},"timestamp":"`;
  const tail = `"${pagination}}`;
  // Measuring also flattens the joined head once, here rather than on every response.
  return { head, tail, bytes: Buffer.byteLength(head) + Buffer.byteLength(tail) };
}

/** Formats a time as ISO 8601, once per millisecond however many responses ask. */
export function isoStamper(): (now: Date) => string {
  let ms = Number.NaN;
  let iso = '';
  return (now) => {
    if (now.getTime() !== ms) {
      ms = now.getTime();
      iso = now.toISOString();
    }
    return iso;
  };
}

/** Sends a prepared envelope stamped with `ts` (an ISO 8601 time). */
export function sendPrepared(c: Context<AppEnv>, ts: string, env: PreparedEnvelope): Response {
  // ISO 8601 is ASCII: one byte a character.
  setHeader(c, 'Content-Length', String(env.bytes + ts.length));
  return send(c, 200, env.head + ts + env.tail, JSON_TYPE);
}
