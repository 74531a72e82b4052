/**
 * Optional Prometheus endpoint (`--metrics-addr host:port`): the agent's own health, in the
 * text exposition format, on loopback unless configured otherwise.
 */
import { createServer, type Server } from 'node:http';
import { renderMetrics, type MetricFamily } from '@gpuoptimizer/shared';
import type { LogFn } from './log.js';

export { renderMetrics, type MetricFamily };

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
