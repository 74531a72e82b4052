/** The docs area: /api/openapi.json, /api/docs and /api/postman.json, built from the route table. */
import type { ApiDeps } from '../deps.js';
import { JSON_TYPE, send, setHeader } from '../http.js';
import type { ApiRouter } from '../route_table.js';
import { renderDocsPage } from './docs_page.js';
import { buildOpenApi } from './openapi.js';
import { buildPostman } from './postman.js';

/** Registers the docs routes; the documents are built on first request, after every area registered. */
export function registerDocsRoutes(router: ApiRouter, deps: ApiDeps): void {
  let doc: Record<string, unknown> | undefined;
  const openapi = () => (doc ??= buildOpenApi(router.routes, deps.config.version));
  router.add(
    { method: 'get', path: '/api/openapi.json', operationId: 'openapi', summary: 'OpenAPI 3.1 document', tag: 'docs', auth: 'public', produces: 'application/json' },
    (c) => send(c, 200, JSON.stringify(openapi()), JSON_TYPE),
  );
  router.add(
    { method: 'get', path: '/api/postman.json', operationId: 'postman', summary: 'Postman collection', tag: 'docs', auth: 'public', produces: 'application/json' },
    (c) => send(c, 200, JSON.stringify(buildPostman(router.routes, deps.config.version)), JSON_TYPE),
  );
  router.add(
    { method: 'get', path: '/api/docs', operationId: 'docs', summary: 'API documentation page', tag: 'docs', auth: 'public', produces: 'text/html' },
    (c) => {
      setHeader(c, 'Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      return send(c, 200, renderDocsPage(openapi()), 'text/html; charset=UTF-8');
    },
  );
}
