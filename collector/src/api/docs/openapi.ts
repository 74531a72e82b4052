/** Builds the OpenAPI 3.1 document from the route table's zod schemas (the same ones that validate). */
import { HTTP_STATUS_BY_CODE, type ErrorCode } from '@gpuoptimizer/shared';
import { z } from 'zod';
import type { RouteSpec } from '../route_table.js';

type Json = Record<string, unknown>;

/** `/api/gpus/:id` → `/api/gpus/{id}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete json['$schema'];
  return json;
}

function parametersOf(spec: RouteSpec): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input');
    const required = new Set((json['required'] as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries((json['properties'] as Record<string, Json> | undefined) ?? {})) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: prop });
    }
  }
  return out;
}

function errorCodesOf(spec: RouteSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>(spec.errors ?? []);
  if (spec.body || spec.query || spec.params) codes.add('INVALID_REQUEST');
  if (spec.body) codes.add('PAYLOAD_TOO_LARGE');
  if (spec.auth !== 'public') codes.add('UNAUTHORIZED');
  if (spec.auth === 'admin') codes.add('FORBIDDEN');
  codes.add('RATE_LIMITED');
  codes.add('INTERNAL_ERROR');
  return [...codes];
}

function responsesOf(spec: RouteSpec): Json {
  const status = String(spec.successStatus ?? 200);
  const responses: Json = {};
  if (spec.produces) {
    responses[status] = { description: 'OK', content: { [spec.produces]: { schema: { type: 'string' } } } };
  } else {
    const envelope: Json = {
      type: 'object',
      required: ['success', 'data', 'message', 'timestamp'],
      properties: {
        success: { const: true },
        data: spec.response ? schemaOf(spec.response, 'output') : {},
        message: { type: 'string' },
        timestamp: { type: 'string', format: 'date-time' },
        ...(spec.paginated ? { pagination: { $ref: '#/components/schemas/Pagination' } } : {}),
      },
    };
    responses[status] = { description: spec.summary, content: { 'application/json': { schema: envelope } } };
  }
  for (const code of errorCodesOf(spec)) {
    const s = String(HTTP_STATUS_BY_CODE[code]);
    const prior = responses[s] as { description: string } | undefined;
    responses[s] = {
      description: prior ? `${prior.description}, ${code}` : code,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    };
  }
  return responses;
}

const COMPONENTS: Json = {
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', description: 'A session token from /api/auth/login, or an API key (gpo_…)' },
    apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
  },
  schemas: {
    Pagination: {
      type: 'object',
      properties: {
        page: { type: 'integer' }, per_page: { type: 'integer' }, total: { type: 'integer' }, pages: { type: 'integer' },
        has_next: { type: 'boolean' }, has_prev: { type: 'boolean' },
      },
    },
    ErrorEnvelope: {
      type: 'object',
      required: ['success', 'error', 'timestamp'],
      properties: {
        success: { const: false },
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { enum: Object.keys(HTTP_STATUS_BY_CODE) }, message: { type: 'string' }, details: {},
            request_id: { type: 'string' },
          },
        },
        timestamp: { type: 'string', format: 'date-time' },
      },
    },
  },
};

/** The OpenAPI 3.1 document of every route in the table. */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const spec of routes) {
    const operation: Json = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parametersOf(spec),
      responses: responsesOf(spec),
      security: spec.auth === 'public' ? [] : [{ bearer: [] }, { apiKeyQuery: [] }],
    };
    if (spec.auth === 'admin') operation['description'] = 'Requires the admin role.';
    if (spec.body) {
      const schema = schemaOf(spec.body, 'input');
      operation['requestBody'] = {
        required: true,
        content: { 'application/json': { schema, ...(spec.example ? { example: spec.example } : {}) } },
      };
    }
    (paths[openApiPath(spec.path)] ??= {})[spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'GPUOptimizer API', version, description: 'Every success is {success, data, message, timestamp}; every error is {success: false, error: {code, message, details, request_id}, timestamp}.' },
    servers: [{ url: 'http://localhost:5000' }, { url: 'https://api.gpuoptimizer.ai' }],
    paths,
    components: COMPONENTS,
  };
}
