/**
 * The sampler: the GPU source (nvidia-smi), the host source (systeminformation) and the cloud
 * source (metadata services) composed into one sample document per call. Sources fail
 * independently: no nvidia-smi still gives host-only samples; no cloud gives `cloud: null`.
 */
import type { SampleDocument } from '@gpuoptimizer/shared';
import { createCloudSource } from './cloud/detect.js';
import { createHostSource, type HostSourceOptions } from './host.js';
import { createGpuSource } from './nvidia_smi/gpu_source.js';
import type { GpuSourceOptions } from './nvidia_smi/tuning.js';
import type { GpuSourceStatus, Sampler, SamplerOptions } from './types.js';

/** Knobs that tests and benchmarks turn; the agent runs with the defaults. */
export interface SamplerTuning {
  gpu?: Partial<Omit<GpuSourceOptions, 'path' | 'intervalMs' | 'log'>>;
  host?: HostSourceOptions;
  cloudTimeoutMs?: number;
  cloudRetryMs?: number;
}

/** Builds a sampler from resolved options; nothing runs until start(). */
export function createSampler(opts: SamplerOptions, tuning: SamplerTuning = {}): Sampler {
  const gpu = createGpuSource({ ...tuning.gpu, path: opts.nvidiaSmiPath || 'nvidia-smi', intervalMs: opts.intervalMs, log: opts.log });
  const host = createHostSource(tuning.host);
  const cloud = createCloudSource({ ...opts, timeoutMs: tuning.cloudTimeoutMs, retryMs: tuning.cloudRetryMs });
  let stopping: Promise<void> | null = null;

  return {
    async start() {
      await Promise.all([gpu.start(), cloud.get(), host.read()]);
      const s = gpu.status();
      if (s.state !== 'ok') opts.log('warn', `no GPU readings: ${s.message ?? s.state}; sending host-only samples`, { state: s.state });
    },
    async sample(now = new Date()): Promise<SampleDocument> {
      const [hostInfo, cloudInfo] = await Promise.all([host.read(), cloud.get()]);
      const reading = gpu.read();
      return {
        ts: now.toISOString(),
        agent: { id: opts.agentId, version: opts.agentVersion },
        host: hostInfo,
        cloud: cloudInfo,
        gpus: reading.gpus,
        processes: reading.processes,
      };
    },
    status: (): GpuSourceStatus => gpu.status(),
    shutdown(deadlineMs = 5_000) {
      stopping ??= new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadlineMs);
        timer.unref();
        void gpu.shutdown().finally(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return stopping;
    },
  };
}
