/**
 * Local fakes of the three metadata services (node:http on 127.0.0.1, port 0) replaying the
 * recorded responses in agent/test/fixtures/cloud-metadata. Each fake records what it was asked.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixturePath } from './helpers.js';

/** A running fake. */
export interface MetadataFake {
  url: string;
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const fixture = (name: string): string => readFileSync(fixturePath('cloud-metadata', name), 'utf8');

async function serve(handler: Handler): Promise<MetadataFake> {
  const requests: MetadataFake['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const send = (res: http.ServerResponse, status: number, body: string, type = 'text/plain'): void => {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
};

/** AWS IMDS. token: 'ok' issues tokens and requires them; 'refuse' answers 403; 'hang' never answers the PUT. */
export function fakeAws(opts: { token: 'ok' | 'refuse' | 'hang'; requireToken: boolean; lifecycle?: string }): Promise<MetadataFake> {
  const values = JSON.parse(fixture('aws-aemm-selected-values.json')) as Record<string, unknown>;
  return serve((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (opts.token === 'hang') return; // the container-without-hop-limit symptom: silence
      if (opts.token === 'refuse') return send(res, 403, fixture('aws-imds-401.html'), 'text/html');
      return send(res, 200, 'AQAEAFake-token==');
    }
    if (opts.requireToken && req.headers['x-aws-ec2-metadata-token'] !== 'AQAEAFake-token==') {
      return send(res, 401, fixture('aws-imds-401.html'), 'text/html');
    }
    if (req.url === '/latest/dynamic/instance-identity/document') return send(res, 200, fixture('aws-identity-document.json'), 'application/json');
    if (req.url === '/latest/meta-data/instance-life-cycle') return send(res, 200, opts.lifecycle ?? String(values['/latest/meta-data/instance-life-cycle']));
    const v = values[req.url ?? ''];
    if (typeof v === 'string') return send(res, 200, v);
    send(res, 404, fixture('aws-imds-404.html'), 'text/html');
  });
}

/** GCP metadata server; `provisioningModel` null answers 404 there (older images). */
export function fakeGcp(opts: { provisioningModel: string | null; preemptible?: string }): Promise<MetadataFake> {
  const base = '/computeMetadata/v1/instance/';
  const values: Record<string, string> = {
    id: fixture('gcp-instance-id.txt'),
    'machine-type': fixture('gcp-machine-type.txt'),
    zone: fixture('gcp-zone.txt'),
    'scheduling/preemptible': opts.preemptible ?? fixture('gcp-scheduling-preemptible.txt'),
  };
  if (opts.provisioningModel !== null) values['scheduling/provisioning-model'] = opts.provisioningModel;
  return serve((req, res) => {
    if (req.headers['metadata-flavor'] !== 'Google') return send(res, 403, 'Missing Metadata-Flavor:Google header.');
    const v = req.url?.startsWith(base) ? values[req.url.slice(base.length)] : undefined;
    res.setHeader('Metadata-Flavor', 'Google');
    if (v === undefined) return send(res, 404, 'Not Found');
    send(res, 200, v, 'application/text');
  });
}

/** Azure IMDS replaying a compute body; refuses requests without Metadata: true or api-version. */
export function fakeAzure(body: 'spot' | 'regular'): Promise<MetadataFake> {
  const doc = JSON.parse(fixture(body === 'spot' ? 'azure-instance-2021-02-01.json' : 'azure-compute-2021-12-13-otel-js.json')) as Record<string, unknown>;
  const compute = body === 'spot' ? doc.compute : doc;
  return serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.metadata !== 'true') return send(res, 400, '{"error":"Bad request. Required metadata header not specified"}', 'application/json');
    if (!url.searchParams.get('api-version')) return send(res, 400, '{"error":"Bad request. api-version was not specified"}', 'application/json');
    if (url.pathname === '/metadata/instance/compute') return send(res, 200, JSON.stringify(compute), 'application/json');
    send(res, 404, '{"error":"Not found"}', 'application/json');
  });
}
