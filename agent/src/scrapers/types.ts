/**
 * The contract between the scrapers and the rest of the agent (pipeline, CLI).
 * Scrapers produce sample documents; they know nothing of the buffer or the exporter.
 */
import type { SampleDocument } from '@gpuoptimizer/shared';

/** Health counters of the GPU source, shown by `status --json` and the agent's /metrics. */
export interface GpuSourceStatus {
  /** ok | no_nvidia_smi | driver_unreachable | nvml_missing | failing | starting */
  state: string;
  /** One human sentence about the state, e.g. why there are no GPUs. */
  message: string | null;
  gpus: number;
  restarts: number;
  parse_errors: number;
  stale_kills: number;
  /** Times the nvidia-smi child was killed for growing past its memory cap. */
  memory_kills?: number;
  last_row_at: string | null;
}

/** Produces one sample document per call from the latest readings of every source. */
export interface Sampler {
  /** Starts long-running sources (the nvidia-smi query loop, cloud detection). Resolves once ready or degraded. */
  start(): Promise<void>;
  /** The sample document for this instant: host and cloud facts plus the newest GPU and process readings. */
  sample(now?: Date): Promise<SampleDocument>;
  /** Counters for `status --json`. */
  status(): GpuSourceStatus;
  /** Stops child processes; idempotent; resolves by the deadline at the latest. */
  shutdown(deadlineMs?: number): Promise<void>;
}

/** Options the sampler is built from (resolved once from flags, environment and config file). */
export interface SamplerOptions {
  agentId: string;
  agentVersion: string;
  /** Path to nvidia-smi (default: `nvidia-smi` on PATH). */
  nvidiaSmiPath: string;
  intervalMs: number;
  /** Cloud detection: 'auto' (DMI decides whom to ask), 'none', or a provider forced by the operator. */
  cloudProvider: 'auto' | 'none' | 'aws' | 'gcp' | 'azure' | 'on_prem';
  instanceTypeOverride?: string | undefined;
  regionOverride?: string | undefined;
  /** Base URLs of the metadata services (tests point them at local fakes). */
  awsMetadataUrl?: string | undefined;
  gcpMetadataUrl?: string | undefined;
  azureMetadataUrl?: string | undefined;
  /** Root of the DMI files (default /sys/class/dmi/id). */
  dmiDir?: string | undefined;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}
