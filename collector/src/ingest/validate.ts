/** Validation of incoming batches: what makes a batch permanently invalid, and which samples to keep. */
import type { WireBatch, WireSample } from '@gpuoptimizer/shared';

/** Limits a batch must respect. */
export interface BatchLimits {
  maxSamplesPerBatch: number;
  maxGpusPerSample: number;
  /** Oldest accepted sample age (the raw retention window). */
  maxAgeMs: number;
  /** How far in the future a sample may be (clock skew). */
  maxFutureMs: number;
}

/** Outcome of validating one batch. */
export type BatchVerdict =
  | { ok: true; samples: WireSample[]; droppedSamples: number }
  | { ok: false; reason: string };

/** Checks a batch; samples outside the retention window are dropped and counted, never stored. */
export function validateBatch(batch: WireBatch, limits: BatchLimits, nowMs: number): BatchVerdict {
  if (!batch.agent_id) return { ok: false, reason: 'agent_id is required' };
  if (!Number.isSafeInteger(batch.seq) || batch.seq <= 0) return { ok: false, reason: 'seq must be a positive integer' };
  if (batch.samples.length > limits.maxSamplesPerBatch) {
    return { ok: false, reason: `batch has ${batch.samples.length} samples; the limit is ${limits.maxSamplesPerBatch}` };
  }
  const kept: WireSample[] = [];
  for (const s of batch.samples) {
    if (s.gpus.length > limits.maxGpusPerSample) return { ok: false, reason: `a sample has ${s.gpus.length} GPUs; the limit is ${limits.maxGpusPerSample}` };
    for (const g of s.gpus) if (!g.uuid) return { ok: false, reason: 'every GPU needs a uuid' };
    const ts = Number(s.ts_unix_ms);
    if (!Number.isFinite(ts) || ts < nowMs - limits.maxAgeMs || ts > nowMs + limits.maxFutureMs) continue;
    kept.push(s);
  }
  return { ok: true, samples: kept, droppedSamples: batch.samples.length - kept.length };
}
