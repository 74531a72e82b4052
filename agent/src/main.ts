/**
 * The agent's composition root: builds the sampler, buffer, exporter, pipeline and optional
 * /metrics from the resolved settings, and runs them until SIGTERM/SIGINT. `main(argv)` is
 * what the `gpuoptimizer-agent` executable calls.
 */
import { pathToFileURL } from 'node:url';
import { SampleBuffer } from './buffer/sample_buffer.js';
import { newAgentId, runCli, samplerOptions } from './cli.js';
import type { AgentConfig } from './config.js';
import { channelCredentials } from './exporter/credentials.js';
import { GrpcExporter } from './exporter/grpc_exporter.js';
import type { LogFn } from './log.js';
import { singleMetric } from '@gpuoptimizer/shared';
import { startMetricsServer, type MetricFamily, type MetricsServer } from './metrics_http.js';
import { Pipeline } from './pipeline.js';
import { createSampler } from './scrapers/sampler.js';
import type { Sampler, SamplerOptions } from './scrapers/types.js';
import { AGENT_VERSION } from './version.js';

type CreateSampler = (opts: SamplerOptions) => Sampler;

/** The real sampler (scrapers/sampler.ts): the only place the scrapers are imported. */
async function loadSampler(): Promise<CreateSampler> {
  return (opts) => createSampler(opts);
}

/** What runAgent needs besides the settings; tests hand in a fake sampler and signal source. */
export interface AgentDeps {
  createSampler: CreateSampler;
  log: LogFn;
  /** Where SIGTERM/SIGINT come from (the process by default). */
  signals?: NodeJS.EventEmitter;
}

function metrics(buffer: SampleBuffer, exporter: GrpcExporter, pipeline: Pipeline, sampler: Sampler): MetricFamily[] {
  const b = buffer.status();
  const e = exporter.status();
  const p = pipeline.status();
  const g = sampler.status();
  const m = singleMetric('gpuoptimizer_agent_');
  return [
    m('produced_samples_total', 'counter', 'Samples committed to the buffer.', b.produced_samples),
    m('acked_samples_total', 'counter', 'Samples the collector stored.', b.acked_samples),
    m('dropped_samples_total', 'counter', 'Samples dropped by the bounds or rejected.', b.dropped_samples),
    m('rejected_batches_total', 'counter', 'Batches the collector rejected.', b.rejected_batches),
    m('buffered_samples', 'gauge', 'Samples waiting in the buffer.', b.buffered_samples),
    m('buffered_bytes', 'gauge', 'Payload bytes waiting in the buffer.', b.buffered_bytes),
    m('in_flight_batches', 'gauge', 'Batches sent and not yet acked.', e.in_flight_batches),
    m('streams_opened_total', 'counter', 'gRPC streams opened to the collector.', e.streams_opened),
    m('sample_errors_total', 'counter', 'Samples that failed or timed out.', p.sample_errors),
    m('skipped_ticks_total', 'counter', 'Ticks skipped because a sample was still running.', p.skipped_ticks),
    m('gpus', 'gauge', 'GPUs the GPU source sees.', g.gpus),
    m('gpu_source_restarts_total', 'counter', 'Restarts of the nvidia-smi loop.', g.restarts),
    { name: 'gpuoptimizer_agent_exporter_state', type: 'gauge', help: 'Exporter state (1 for the current one).', samples: [{ labels: { state: e.state }, value: 1 }] },
  ];
}

function openBuffer(cfg: AgentConfig, log: LogFn): { buffer: SampleBuffer; agentId: string } {
  const buffer = SampleBuffer.open({ path: cfg.bufferPath, maxBytes: cfg.bufferMaxBytes, maxAgeMs: cfg.bufferMaxAgeMs, log });
  const agentId = cfg.agentId ?? buffer.agentId() ?? newAgentId();
  if (buffer.agentId() !== agentId) buffer.setAgentId(agentId);
  return { buffer, agentId };
}

/** Runs the daemon until SIGTERM/SIGINT, then flushes for a bounded time; resolves to the exit code. */
export async function runAgent(cfg: AgentConfig, deps: AgentDeps): Promise<number> {
  const { log } = deps;
  const credentials = channelCredentials({ insecure: cfg.insecure, caFile: cfg.caFile });
  const { buffer, agentId } = openBuffer(cfg, log);
  log('info', 'agent starting', {
    version: AGENT_VERSION, agent_id: agentId, collector: cfg.collector, tls: cfg.insecure ? 'off (--insecure)' : cfg.caFile ? `ca ${cfg.caFile}` : 'system CAs',
    api_key: cfg.apiKey ? 'set' : 'not set', buffer: cfg.bufferPath, interval_ms: cfg.intervalMs,
  });
  if (!cfg.apiKey) log('warn', 'no API key set (--api-key / GPUOPT_API_KEY): the collector will likely refuse the samples');
  const sampler = deps.createSampler(samplerOptions(cfg, agentId, log));
  const exporter = new GrpcExporter({
    target: cfg.collector, apiKey: cfg.apiKey, credentials, buffer, agentId, log,
    maxBatchSamples: cfg.batchMaxSamples, batchDelayMs: cfg.batchDelayMs, maxInFlight: cfg.maxInFlight,
  });
  const pipeline = new Pipeline({ sampler, buffer, exporter, intervalMs: cfg.intervalMs, log });
  let metricsServer: MetricsServer | undefined;
  const stop = waitForSignal(deps.signals ?? process, log);
  exporter.start();
  await sampler.start();
  pipeline.start();
  // `status --json` runs in another process: it learns the GPU source's state from the buffer file.
  let lastGpuSource = '';
  const persistGpuSource = () => {
    const json = JSON.stringify(sampler.status());
    if (json !== lastGpuSource) buffer.recordGpuSource((lastGpuSource = json));
  };
  persistGpuSource();
  const gpuSourceTimer = setInterval(persistGpuSource, Math.max(1000, cfg.intervalMs));
  gpuSourceTimer.unref();
  if (cfg.metricsAddr) {
    metricsServer = await startMetricsServer(cfg.metricsAddr, () => metrics(buffer, exporter, pipeline, sampler), log);
    log('info', 'serving Prometheus metrics', { addr: cfg.metricsAddr, path: '/metrics' });
  }
  const signal = await stop;
  const deadline = Date.now() + cfg.shutdownTimeoutMs;
  log('info', 'stopping: flushing to the collector', { signal, timeout_ms: cfg.shutdownTimeoutMs });
  await pipeline.shutdown(Math.max(0, deadline - Date.now()));
  clearInterval(gpuSourceTimer);
  persistGpuSource();
  await sampler.shutdown(Math.max(0, Math.min(2000, deadline - Date.now())));
  await exporter.shutdown(Math.max(0, deadline - Date.now()));
  await metricsServer?.shutdown();
  const st = buffer.status();
  buffer.close();
  log('info', 'agent stopped', { buffered_samples: st.buffered_samples, acked_samples: st.acked_samples });
  return 0;
}

function waitForSignal(source: NodeJS.EventEmitter, log: LogFn): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: string) => () => {
      if (!seen) {
        seen = true;
        resolve(signal);
        return;
      }
      // A second signal means "now": everything not acked is already safe in the buffer.
      log('warn', 'second signal: exiting at once; unacked samples stay in the buffer', { signal });
      process.exit(0);
    };
    source.on('SIGTERM', on('SIGTERM'));
    source.on('SIGINT', on('SIGINT'));
  });
}

/** Entry point of `gpuoptimizer-agent`; resolves to the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCli(argv, {
    env,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    loadSampler,
    runAgent: async (cfg, log) => {
      // Never crash after start-up: log what escaped, keep the daemon running.
      process.on('uncaughtException', (err) => log('error', 'uncaught exception (continuing)', { error: err.message, stack: err.stack }));
      process.on('unhandledRejection', (err) => log('error', 'unhandled rejection (continuing)', { error: String(err) }));
      return runAgent(cfg, { createSampler: await loadSampler(), log });
    },
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main(process.argv.slice(2)));
}
