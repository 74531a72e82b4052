/** Response schemas of the recommendations area (for the OpenAPI document). */
import { z } from 'zod';

const risk = z.object({ level: z.enum(['low', 'medium', 'high']), kind: z.enum(['performance', 'interruption', 'availability']), notes: z.array(z.string()) });

const schedule = z.array(z.object({ stop_at: z.string(), start_at: z.string(), hours_per_week: z.number() }));

/** One recommendation: API-SPEC's fields plus reason, risk and evidence. */
export const recommendationView = z.object({
  type: z.enum(['instance_type', 'spot', 'idle', 'scheduling']),
  current: z.string(),
  recommended: z.string(),
  recommendation: z.string(),
  potential_savings: z.number().describe('USD per month if this recommendation alone is acted on'),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  risk,
  evidence: z.record(z.string(), z.unknown()).describe('lookback, hours of data, p50/p95 utilisation, peak memory, idle share, hour-of-week pattern, price'),
  schedule: schedule.optional(),
});

/** The catalog a result was priced from. */
export const catalogView = z.object({ file: z.string(), sha256: z.string(), rows: z.number(), captured_at: z.string().nullable() });

const instanceView = z.object({
  provider: z.string(), instance_type: z.string(), region: z.string(), lifecycle: z.string(), gpu_count: z.number(),
  usd_per_hour: z.number().nullable(), usd_per_gpu_hour: z.number().nullable(),
});

/** `data` of GET /api/gpus/{id}/optimize. */
export const optimizeView = z.object({
  gpu_id: z.string(),
  gpu_ids: z.array(z.string()).describe('every GPU of the same instance: the recommendations concern all of them'),
  status: z.enum(['ok', 'insufficient_data', 'not_priced']),
  instance: instanceView,
  lookback: z.object({ start: z.string(), end: z.string(), days: z.number() }),
  hours_of_data: z.number(),
  recommendations: z.array(recommendationView),
  total_potential_savings: z.number().describe('USD per month of acting on all of them together (overlaps counted once)'),
  catalog: catalogView,
  message: z.string(),
  generated_at: z.string(),
});

/** One entry of the fleet list. */
export const fleetRecommendationView = recommendationView.extend({
  gpu_ids: z.array(z.string()),
  host_id: z.string().nullable(),
  instance: instanceView,
});

/** `data` of GET /api/recommendations. */
export const fleetView = z.object({
  recommendations: z.array(fleetRecommendationView),
  total: z.number(),
  page: z.number(),
  per_page: z.number(),
  total_potential_savings: z.number().describe('USD per month across the fleet, each instance counted once'),
  instances_evaluated: z.number(),
  instances_without_enough_data: z.number(),
  catalog: catalogView,
});
