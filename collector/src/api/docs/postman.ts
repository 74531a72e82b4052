/** A Postman v2.1 collection of every route, grouped by tag, with example bodies. */
import type { RouteSpec } from '../route_table.js';

/** Builds the collection; `{{baseUrl}}` and `{{token}}` are collection variables. */
export function buildPostman(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const byTag = new Map<string, unknown[]>();
  for (const r of routes) {
    const segments = r.path.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? `{{${s.slice(1)}}}` : s));
    const request: Record<string, unknown> = {
      method: r.method.toUpperCase(),
      header: r.body ? [{ key: 'Content-Type', value: 'application/json' }] : [],
      url: { raw: `{{baseUrl}}/${segments.join('/')}`, host: ['{{baseUrl}}'], path: segments },
      auth: r.auth === 'public' ? { type: 'noauth' } : { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
    };
    if (r.body) request['body'] = { mode: 'raw', raw: JSON.stringify(r.example ?? {}, null, 2), options: { raw: { language: 'json' } } };
    const items = byTag.get(r.tag) ?? [];
    items.push({ name: r.summary, request });
    byTag.set(r.tag, items);
  }
  return {
    info: {
      name: `GPUOptimizer API ${version}`,
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    variable: [
      { key: 'baseUrl', value: 'http://localhost:5000' },
      { key: 'token', value: '' },
    ],
    item: [...byTag].map(([name, item]) => ({ name, item })),
  };
}
