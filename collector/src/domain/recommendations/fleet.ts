/** Fleet-level views over per-instance results: the ranked list and the per-GPU figures of `GET /api/gpus`. */
import { round2 } from './stats.js';
import type { OptimizeResult, Recommendation } from './types.js';

/** One instance's evaluation and the GPU ids (of the API) that live on it. */
export interface InstanceResult {
  gpu_ids: string[];
  host_id: string | null;
  result: OptimizeResult;
}

/** A recommendation in the fleet list: the recommendation plus which instance and GPUs it concerns. */
export type FleetRecommendation = Recommendation & {
  gpu_ids: string[];
  host_id: string | null;
  instance: OptimizeResult['instance'];
};

/** Every recommendation of the fleet, largest savings first (ties: higher confidence first). */
export function rankFleet(results: InstanceResult[]): FleetRecommendation[] {
  const all = results.flatMap(({ gpu_ids, host_id, result }) => result.recommendations.map((r) => ({ ...r, gpu_ids, host_id, instance: result.instance })));
  return all.sort((a, b) => b.potential_savings - a.potential_savings || b.confidence - a.confidence);
}

/** Total monthly savings of a fleet: each instance's combined figure, counted once. */
export function fleetSavings(results: InstanceResult[]): number {
  return round2(results.reduce((sum, r) => sum + r.result.total_potential_savings, 0));
}

/**
 * The `savings` of one GPU in `GET /api/gpus`: its instance's combined monthly savings shared
 * equally among the instance's GPUs, so the fleet sum counts each instance once.
 */
export function gpuSavingsShare(result: OptimizeResult): number {
  const gpus = Math.max(1, result.instance.gpu_count);
  return round2(result.total_potential_savings / gpus);
}
