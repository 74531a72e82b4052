/** The docs area: /api/openapi.json, /api/docs and /api/postman.json, built from the route table. */
import type { ApiDeps } from '../deps.js';
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
    (c) => c.json(openapi()),
  );
  router.add(
    { method: 'get', path: '/api/postman.json', operationId: 'postman', summary: 'Postman collection', tag: 'docs', auth: 'public', produces: 'application/json' },
    (c) => c.json(buildPostman(router.routes, deps.config.version)),
  );
  router.add(
    { method: 'get', path: '/api/docs', operationId: 'docs', summary: 'API documentation page', tag: 'docs', auth: 'public', produces: 'text/html' },
    (c) => {
      c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      return c.html(renderDocsPage(openapi()));
    },
  );
}
