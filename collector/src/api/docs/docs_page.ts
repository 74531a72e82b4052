/** A self-contained HTML page listing every operation from the OpenAPI document (no CDN, no script). */

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** Renders the docs page. */
export function renderDocsPage(doc: Record<string, unknown>): string {
  const paths = doc['paths'] as Record<string, Record<string, Record<string, unknown>>>;
  const sections = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const body = (op['requestBody'] as { content: Record<string, unknown> } | undefined)?.content['application/json'];
      return `<section><h2><span class="m">${escape(method.toUpperCase())}</span> ${escape(path)}</h2>
<p>${escape(String(op['summary']))}${op['description'] ? ` — ${escape(String(op['description']))}` : ''}</p>
${(op['parameters'] as unknown[]).length ? `<h3>Parameters</h3><pre>${escape(JSON.stringify(op['parameters'], null, 2))}</pre>` : ''}
${body ? `<h3>Request body</h3><pre>${escape(JSON.stringify(body, null, 2))}</pre>` : ''}
<details><summary>Responses</summary><pre>${escape(JSON.stringify(op['responses'], null, 2))}</pre></details></section>`;
    }),
  );
  const info = doc['info'] as { title: string; version: string };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}pre{background:#f5f5f5;padding:.5rem;overflow:auto}.m{font-family:monospace;background:#223;color:#fff;padding:0 .4rem;border-radius:3px}</style>
</head><body><h1>${escape(info.title)} ${escape(info.version)}</h1>
<p>Machine-readable: <a href="/api/openapi.json">OpenAPI 3.1</a> · <a href="/api/postman.json">Postman collection</a></p>
${sections.join('\n')}</body></html>`;
}
