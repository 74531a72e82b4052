/**
 * The success envelope: `{success, data, message, timestamp}`, plus `pagination` for lists
 * (shared's SuccessEnvelope), written in one place for fresh and cached responses alike.
 */
import { paginate } from '@gpuoptimizer/shared';
import type { Context } from 'hono';
import type { Clock } from '../ports.js';
import type { AppEnv } from './env.js';
import { JSON_TYPE, send, setHeader } from './http.js';

/** Renders a success envelope (the same writer as prepared envelopes, stamped now). */
export function ok<T>(
  c: Context<AppEnv>,
  clock: Clock,
  data: T,
  message: string,
  opts: { status?: 200 | 201; page?: { page: number; perPage: number; total: number } } = {},
): Response {
  const env = prepareEnvelope(JSON.stringify(data) ?? 'null', message, opts.page);
  return sendPrepared(c, clock.now().toISOString(), env, opts.status);
}

/**
 * A success envelope serialised ahead of time, all but its timestamp: sending one joins three
 * strings and knows the body's length without measuring it, so a cached one costs no encoding.
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
export function sendPrepared(c: Context<AppEnv>, ts: string, env: PreparedEnvelope, status: 200 | 201 = 200): Response {
  // ISO 8601 is ASCII: one byte a character.
  setHeader(c, 'Content-Length', String(env.bytes + ts.length));
  return send(c, status, env.head + ts + env.tail, JSON_TYPE);
}
