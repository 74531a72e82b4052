/** Inputs and outputs of the recommendations engine (API-SPEC's `/optimize` body, extended). */
import type { Catalog, CatalogIdentity, Lifecycle } from '@gpuoptimizer/shared';
import type { HourlyUsage } from '../../ports.js';
import type { Thresholds } from './thresholds.js';

/** The four kinds of recommendation. */
export type RecommendationType = 'instance_type' | 'spot' | 'idle' | 'scheduling';

/** Risk levels, as AWS Compute Optimizer reports performance risk. */
export type RiskLevel = 'low' | 'medium' | 'high';

/** One GPU on the instance under review, as nvidia-smi reports it. */
export interface InstanceGpu {
  uuid: string;
  index: number;
  /** nvidia-smi name, e.g. "NVIDIA A100-SXM4-40GB". */
  name: string;
  memory_total_mib: number | null;
}

/** The instance under review: where it runs, how it is bought, and every GPU on it. */
export interface InstanceUnderReview {
  /** `aws`, `gcp`, `azure`; anything else (on_prem) cannot be priced. */
  provider: string;
  instance_type: string;
  region: string;
  lifecycle: Lifecycle;
  gpus: InstanceGpu[];
}

/** The peak utilisation of one 5-minute period, when the store can give it. */
export interface FiveMinutePeak {
  /** Start of the period, ISO 8601 UTC. */
  period_start: string;
  utilization_max: number | null;
}

/** One process seen on a GPU, from its first to its last sighting (`ended_at` null while alive). */
export interface ProcessRun {
  gpu_uuid: string | null;
  name: string;
  started_at: string;
  ended_at: string | null;
}

/** One GPU's usage over the lookback. */
export interface GpuUsage {
  gpu_uuid: string;
  hourly: HourlyUsage[];
  /** Optional finer peaks; without them each hour's `utilization_max` is its peak. */
  peaks_5m?: FiveMinutePeak[];
}

/** Everything one evaluation needs; the engine does no I/O. */
export interface RecommendationInput {
  instance: InstanceUnderReview;
  usage: GpuUsage[];
  processes?: ProcessRun[];
  catalog: Catalog;
  thresholds?: Partial<Thresholds>;
  now: Date;
}

/** The risk of acting on a recommendation. */
export interface Risk {
  level: RiskLevel;
  kind: 'performance' | 'interruption' | 'availability';
  notes: string[];
}

/** One recurring stop window of a schedule (UTC, hour-of-week). */
export interface ScheduleWindow {
  stop_at: string;
  start_at: string;
  hours_per_week: number;
}

/** What backs every recommendation. */
export interface Evidence {
  lookback: { start: string; end: string; days: number };
  hours_of_data: number;
  coverage: number;
  gpus_observed: number;
  busy_gpus: number;
  peak_concurrent_busy_gpus: number;
  utilization_pct: { p50: number | null; p95: number | null; peak: number | null };
  memory: { peak_used_mib: number | null; total_mib: number | null; peak_used_pct: number | null };
  idle_share: number;
  hour_of_week_pattern: HourOfWeekPattern;
  per_gpu: GpuEvidence[];
  price: PriceEvidence;
  [rule: string]: unknown;
}

/** Per-day 24-character strings: `#` busy every week, `.` idle every week, `~` mixed, `-` no data. */
export interface HourOfWeekPattern {
  timezone: 'UTC';
  legend: string;
  days: Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', string>;
}

/** One GPU's figures over the lookback. */
export interface GpuEvidence {
  uuid: string;
  index: number;
  hours: number;
  utilization_p50: number | null;
  utilization_p95: number | null;
  memory_peak_used_mib: number | null;
  memory_total_mib: number | null;
  busy: boolean;
}

/** Which catalog row priced the current instance. */
export interface PriceEvidence {
  catalog_instance_type: string;
  region: string;
  lifecycle: Lifecycle;
  usd_per_hour: number;
  /** True when the instance's own region is not in the catalog and another region's price was used. */
  region_fallback: boolean;
}

/** One recommendation, in API-SPEC's shape plus its reason, evidence and risk. */
export interface Recommendation {
  type: RecommendationType;
  current: string;
  recommended: string;
  /** The action in a few words (API-SPEC's `recommendation`). */
  recommendation: string;
  /** USD per month, 2 decimals, if this recommendation alone is acted on. */
  potential_savings: number;
  confidence: number;
  reason: string;
  risk: Risk;
  evidence: Evidence;
  schedule?: ScheduleWindow[];
}

/** Why a result has no recommendations, or `ok`. */
export type ResultStatus = 'ok' | 'insufficient_data' | 'not_priced';

/** The engine's answer for one instance. */
export interface OptimizeResult {
  status: ResultStatus;
  instance: {
    provider: string;
    instance_type: string;
    region: string;
    lifecycle: Lifecycle;
    gpu_count: number;
    /** The instance's catalog price for its lifecycle, or null when it cannot be priced. */
    usd_per_hour: number | null;
    /** That price ÷ the catalog's GPU count (`cost_per_hour` of GET /api/gpus). */
    usd_per_gpu_hour: number | null;
  };
  lookback: { start: string; end: string; days: number };
  hours_of_data: number;
  recommendations: Recommendation[];
  /** USD per month of acting on all recommendations together (overlaps counted once). */
  total_potential_savings: number;
  catalog: CatalogIdentity;
  message: string;
  generated_at: string;
}
