/** Parsing at the boundary: JSON bodies, query strings and path parameters through zod. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.js';

/** One line naming each failing field and why (the error envelope's `details`). */
export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`)
    .join('; ');
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError('INVALID_REQUEST', 'The request is invalid', describeIssues(r.error, where));
  return r.data;
}

/** Reads and validates a JSON body; malformed JSON or a non-object is 400. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError('INVALID_REQUEST', 'The request is invalid', 'body: malformed JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('INVALID_REQUEST', 'The request is invalid', 'body: expected a JSON object');
  }
  return parse(schema, value, 'body');
}

/** Validates the query string (first value of each name). */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parse(schema, c.req.query(), 'query');
}

/** Validates the path parameters. */
export function readParams<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parse(schema, c.req.param(), 'path');
}
