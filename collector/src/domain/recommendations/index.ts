/** The recommendations engine: right-size, spot, idle and scheduling, priced from the shared catalog. */
export { recommend } from './engine.js';
export { rankFleet, fleetSavings, gpuSavingsShare, type InstanceResult, type FleetRecommendation } from './fleet.js';
export { gpuCostPerHour, priceInstance, observedGpuModel, type InstanceToPrice, type PricedInstance } from './pricing.js';
export { DEFAULT_THRESHOLDS, ThresholdError, resolveThresholds, type Thresholds } from './thresholds.js';
export { HOURS_PER_MONTH } from './stats.js';
export { processRunsFromCounts, type ProcessCountBucket } from './process_runs.js';
export type * from './types.js';
