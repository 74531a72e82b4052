/** What every rule is handed: the usage facts, the priced instance, the catalog and thresholds. */
import type { Catalog } from '@gpuoptimizer/shared';
import type { SlotCounts } from './hour_of_week.js';
import type { PricedInstance } from './pricing.js';
import type { Thresholds } from './thresholds.js';
import type { Evidence, InstanceUnderReview, ProcessRun, RiskLevel } from './types.js';
import type { UsageProfile } from './usage_profile.js';

/** One evaluation's shared state. */
export interface RuleContext {
  instance: InstanceUnderReview;
  profile: UsageProfile;
  priced: PricedInstance;
  catalog: Catalog;
  t: Thresholds;
  slots: SlotCounts;
  processes: ProcessRun[] | undefined;
  /** The evidence every recommendation carries; rules add their own fields. */
  evidence: Evidence;
  /** Coverage scaled down when the price came from another region. */
  coverage: number;
  /** Hours a month the instance runs: observed hours ÷ the span it existed × 730. */
  monthlyRunningHours: number;
}

const ORDER: RiskLevel[] = ['low', 'medium', 'high'];

/** The higher of two risk levels. */
export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** `p4d.24xlarge (on-demand)`. */
export function describeLifecycle(type: string, lifecycle: string): string {
  return `${type} (${lifecycle === 'spot' ? 'spot' : 'on-demand'})`;
}
