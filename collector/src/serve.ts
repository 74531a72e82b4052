/**
 * The composition root: builds every part of the collector from the configuration, wires them
 * together and starts them. Nothing else constructs stores or servers.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { ensureAdmin, ensureAgentKey, openAppStore, resolveEncryptionKey, type AppStore } from './stores/app/index.js';
import { openMetricsStore, type MetricsReader, type MetricsStore } from './stores/metrics/index.js';
import { IngestServer } from './ingest/server.js';
import { parseFailpoints, withFailpoints } from './ingest/failpoints.js';
import { createRateMeter } from './ingest/rate.js';
import { createApi } from './api/app.js';
import type { CollectorConfig } from './config.js';
import type { LogFn } from './log.js';
import type { ApiDeps, ApiLogger } from './api/deps.js';
import type { Clock, ServiceHealth } from './ports.js';
import { fileSecret, writeSecretFile } from './secrets.js';
import { VERSION } from './version.js';
import { renderCollectorMetrics } from './metrics_endpoint.js';
import { loadActiveCatalog } from './catalog_file.js';
import { createGpuPricing, createRecommendationCache, recommendationDepsOf, registerRecommendationRoutes, type RecommendationCache } from './api/recommendations/index.js';
import type { Catalog } from '@gpuoptimizer/shared';
import { startRecommendationRefresh } from './jobs/refresh_recommendations.js';
import { processRunsFromCounts } from './domain/recommendations/index.js';

/** A running collector. */
export interface RunningCollector {
  httpPort: number;
  grpcPort: number;
  app: AppStore;
  metrics: MetricsStore;
  reader: MetricsReader;
  ingest: IngestServer;
  /** Drains ingest, stops HTTP, closes the stores. Idempotent. */
  shutdown(deadlineMs?: number): Promise<void>;
}

/** Options of `serve` beyond the configuration. */
export interface ServeOptions {
  /** Write the local agent's API key here (for `npm start`). */
  localAgentKeyFile?: string | undefined;
  clock?: Clock;
  /** Fault injection for delivery tests (GPUOPT_FAILPOINTS); see ingest/failpoints.ts. */
  failpoints?: string | undefined;
  /** Called once with each line a person must see (the generated admin password). */
  announce?: (line: string) => void;
}

async function bootstrap(app: AppStore, config: CollectorConfig, opts: ServeOptions, log: LogFn): Promise<void> {
  const admin = await ensureAdmin(app, { email: config.adminEmail, ...(config.adminPassword ? { password: config.adminPassword } : {}) });
  if (admin.created) log('info', 'admin account created', { email: admin.user.email });
  if (admin.generatedPassword) {
    (opts.announce ?? console.log)(`Admin account: ${admin.user.email} / password: ${admin.generatedPassword}  (shown once: store it now, or set ADMIN_PASSWORD)`);
  }
  if (opts.localAgentKeyFile) {
    const agentKey = ensureAgentKey(app, admin.user.id, 'local agent');
    writeSecretFile(opts.localAgentKeyFile, agentKey.key);
    log('info', agentKey.created ? 'local agent key created' : 'local agent key reused', { key_id: agentKey.keyId, file: opts.localAgentKeyFile });
  }
}

/** Starts the stores, ingest and the REST API. */
export async function startCollector(
  config: CollectorConfig,
  logging: { log: LogFn; logger: ApiLogger },
  opts: ServeOptions = {},
): Promise<RunningCollector> {
  const { log, logger } = logging;
  const clock = opts.clock ?? { now: () => new Date() };
  const startedAt = clock.now();
  const encryptionKey = resolveEncryptionKey({ envValue: config.encryptionKey, keyFile: join(config.dataDir, 'encryption.key') });
  const jwtSecret = config.jwtSecret ?? fileSecret(join(config.dataDir, 'jwt.secret'));
  const app = openAppStore({ path: join(config.dataDir, 'app.db'), encryptionKey, clock });
  const { store: metrics, reader } = await openMetricsStore({
    dataDir: config.dataDir, url: config.clickhouse.url, user: config.clickhouse.user, password: config.clickhouse.password,
    database: config.clickhouse.database, cluster: config.clickhouse.cluster,
    rawTtlDays: config.rawTtlDays, rollupTtlDays: config.rollupTtlDays,
  });
  log('info', 'metrics store ready', { engine: metrics.embedded ? 'chdb (embedded)' : 'clickhouse server', database: config.clickhouse.database });
  await bootstrap(app, config, opts, log);

  const failpoints = parseFailpoints(opts.failpoints);
  if (opts.failpoints) log('warn', 'FAILPOINTS ARE SET: this collector injects faults on purpose', { failpoints: opts.failpoints });
  const ingest = new IngestServer({
    auth: app.apiKeys, metrics: withFailpoints(metrics, failpoints), fleet: app.gpus, clock, log,
    limits: { maxSamplesPerBatch: config.maxSamplesPerBatch, maxGpusPerSample: 1024, maxAgeMs: config.rawTtlDays * 86_400_000, maxFutureMs: 300_000 },
  });
  const tls = config.tls ? { certPem: readFileSync(config.tls.certFile), keyPem: readFileSync(config.tls.keyFile) } : undefined;
  const grpcPort = await ingest.start({ host: config.host, port: config.grpcPort, maxMessageBytes: config.grpcMaxMessageBytes, tls });

  const sampleRate = createRateMeter(() => ingest.counters.samples_stored);
  const batchRate = createRateMeter(() => ingest.counters.batches_stored);
  const catalog = loadActiveCatalog(config.dataDir);
  log('info', 'catalog loaded', { file: catalog.identity.file, rows: catalog.identity.rows, sha256: catalog.identity.sha256 });
  const cache = createRecommendationCache();
  const apiDeps = buildApiDeps({ config, jwtSecret, app, metrics, reader, ingest, clock, logger, startedAt, catalog, cache, rates: { samples: sampleRate, batches: batchRate } });
  const api = createApi(apiDeps, {
    areas: [registerRecommendationRoutes],
    prometheus: (apiStats) => renderCollectorMetrics({ ingest: () => ingest.counters, store: () => metrics.counters(), api: () => apiStats }),
  });
  const recDeps = recommendationDepsOf(apiDeps);
  const refresh = recDeps ? startRecommendationRefresh({ deps: recDeps, users: app.users, log }) : undefined;
  const { server: http, port: httpPort } = await listen(api.fetch, config.host, config.port, config.bodyLimitBytes);
  log('info', 'collector ready', { rest: `http://${config.host}:${httpPort}`, grpc: `${config.host}:${grpcPort}`, tls: Boolean(tls), data_dir: config.dataDir });

  let closing: Promise<void> | undefined;
  const shutdown = (deadlineMs = 10_000) =>
    (closing ??= (async () => {
      refresh?.stop();
      sampleRate.stop();
      batchRate.stop();
      await ingest.shutdown(deadlineMs);
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await metrics.close().catch(() => undefined);
      app.close();
    })());
  return { httpPort, grpcPort, app, metrics, reader, ingest, shutdown };
}

interface ApiParts {
  config: CollectorConfig;
  jwtSecret: string;
  app: AppStore;
  metrics: MetricsStore;
  reader: MetricsReader;
  ingest: IngestServer;
  clock: Clock;
  logger: ApiLogger;
  startedAt: Date;
  catalog: Catalog;
  cache: RecommendationCache;
  rates: { samples: { perSecond(): number }; batches: { perSecond(): number } };
}

/** What the REST API is handed: config values, stores, health, admin figures, metrics and recommendation readers. */
function buildApiDeps(p: ApiParts): ApiDeps {
  const { app, metrics, reader, ingest, clock, catalog, cache } = p;
  const health = async (): Promise<Record<string, ServiceHealth>> => ({
    database: app.ping(),
    metrics_store: await metrics.ping(),
    ingest: { status: 'healthy', latency_ms: null },
  });
  const adminMetrics = async () => ({
    uptime_s: Math.round((clock.now().getTime() - p.startedAt.getTime()) / 1000),
    ingest: { ...ingest.counters, samples_per_s_1m: p.rates.samples.perSecond(), batches_per_s_1m: p.rates.batches.perSecond() },
    metrics_store: { ...metrics.counters(), health: await metrics.ping(), stored_samples: await reader.storedSamples().catch(() => null) },
  });
  return {
    config: { jwtSecret: p.jwtSecret, tokenTtlSeconds: Math.round(p.config.jwtTtlMs / 1000), corsOrigins: p.config.corsOrigins, bodyLimitBytes: p.config.bodyLimitBytes, version: VERSION },
    store: app, clock, logger: p.logger, health, adminMetrics,
    metrics: {
      usage: reader,
      series: (tenantId, gpuUuid, start, end, interval) => reader.series(tenantId, gpuUuid, start, end, interval),
      coverage: (start, end) => reader.coverage(start, end),
      activeGpus: (since) => reader.activeGpus(since),
      customers: () => app.users.list({ page: 1, perPage: 1 }).total,
      savings: async () => cache.totalSavings(clock.now()),
    },
    recommendations: {
      usage: reader, cache, catalog: () => catalog,
      processes: async (tenantId, uuids, start, end) => processRunsFromCounts(await reader.processCounts(tenantId, uuids, start, end), 300_000, end.getTime()),
    },
    pricing: createGpuPricing({ clock, cache, catalog: () => catalog }),
    catalog,
  };
}

/**
 * Serves the REST API. A request announcing `Expect: 100-continue` with a body over the limit gets
 * no 100: the API answers 413 straight away, so the client does not upload what will be refused.
 */
function listen(fetch: Parameters<typeof serve>[0]['fetch'], hostname: string, port: number, bodyLimitBytes: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, (info) => resolve({ server, port: info.port }));
    server.once('error', reject);
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (!(Number(req.headers['content-length']) > bodyLimitBytes)) res.writeContinue();
      server.emit('request', req, res);
    });
  });
}
