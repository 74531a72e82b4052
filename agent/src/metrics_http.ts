/**
 * Optional Prometheus endpoint (`--metrics-addr host:port`): the agent's own health, in the
 * text exposition format, on loopback unless configured otherwise.
 */
import { createServer, type Server } from 'node:http';
import type { LogFn } from './log.js';

/** One metric family: name, type, help, and its samples (labels → value). */
export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples: { labels?: Record<string, string>; value: number }[];
}

/** Renders metric families in the Prometheus text format. */
export function renderMetrics(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
      lines.push(`${f.name}${labels.length ? `{${labels.join(',')}}` : ''} ${Number.isFinite(s.value) ? s.value : 0}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A running metrics server; `shutdown()` is idempotent. */
export interface MetricsServer {
  port: number;
  shutdown(): Promise<void>;
}

/** Serves GET /metrics on `addr` (host:port) with whatever `collect()` returns at scrape time. */
export async function startMetricsServer(addr: string, collect: () => MetricFamily[], log: LogFn): Promise<MetricsServer> {
  const cut = addr.lastIndexOf(':');
  const host = cut > 0 ? addr.slice(0, cut).replace(/^\[|\]$/g, '') : '127.0.0.1';
  const port = Number(addr.slice(cut + 1));
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    try {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(renderMetrics(collect()));
    } catch (err) {
      log('error', 'metrics collection failed', { error: (err as Error).message });
      res.writeHead(500).end('metrics unavailable\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  let closing: Promise<void> | undefined;
  return {
    port: typeof bound === 'object' && bound ? bound.port : port,
    shutdown() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
