/** The limits an incoming batch must respect (transcode.ts applies them as it reads). */
export interface BatchLimits {
  maxSamplesPerBatch: number;
  maxGpusPerSample: number;
  /** Oldest accepted sample age (the raw retention window). */
  maxAgeMs: number;
  /** How far in the future a sample may be (clock skew). */
  maxFutureMs: number;
}
