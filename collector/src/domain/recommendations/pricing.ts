/**
 * Prices an instance from the catalog: on-demand or spot by its lifecycle, in its region, or in
 * another region of the same provider when its own is not in the catalog (flagged, and the
 * rules lower their confidence for it).
 */
import { catalogInstanceType, gpuModelFromName, isCatalogProvider, type Catalog, type CatalogRow, type Lifecycle } from '@gpuoptimizer/shared';
import type { InstanceGpu } from './types.js';

/** The catalog row and price the current instance is charged at. */
export interface PricedInstance {
  row: CatalogRow;
  lifecycle: Lifecycle;
  usdPerHour: number;
  regionFallback: boolean;
}

/** What pricing needs to know about an instance. */
export interface InstanceToPrice {
  provider: string;
  instance_type: string;
  region: string | null;
  lifecycle: Lifecycle | string | null;
  /** The GPUs nvidia-smi sees (GCP N1 rows are named by GPU model and count). */
  gpus?: Pick<InstanceGpu, 'name' | 'memory_total_mib'>[];
}

/** The row's price for a lifecycle, or null when the catalog has none. */
export function priceOf(row: CatalogRow, lifecycle: Lifecycle): number | null {
  return lifecycle === 'spot' ? row.spot_usd_per_hour : row.on_demand_usd_per_hour;
}

/** The catalog model of the instance's GPUs, from the first GPU's nvidia-smi name. */
export function observedGpuModel(gpus: InstanceToPrice['gpus']): string | null {
  const first = gpus?.[0];
  return first ? gpuModelFromName(first.name, first.memory_total_mib) : null;
}

/** Finds the instance's catalog row and price; null when the catalog cannot price it. */
export function priceInstance(instance: InstanceToPrice, catalog: Catalog, allowRegionFallback: boolean): PricedInstance | null {
  if (!isCatalogProvider(instance.provider)) return null;
  const lifecycle: Lifecycle = instance.lifecycle === 'spot' ? 'spot' : 'on_demand';
  const gpus = instance.gpus ?? [];
  const type = catalogInstanceType(instance.provider, instance.instance_type, observedGpuModel(gpus), gpus.length);
  const rows = catalog.rowsOf(instance.provider, type).filter((r) => priceOf(r, lifecycle) !== null);
  const local = rows.find((r) => r.region === instance.region);
  const row = local ?? (allowRegionFallback ? rows[0] : undefined);
  if (!row) return null;
  return { row, lifecycle, usdPerHour: priceOf(row, lifecycle) ?? 0, regionFallback: local === undefined };
}

/**
 * Cost per GPU-hour (used by `GET /api/gpus`): the instance's price (on-demand, or spot when it
 * runs on spot) divided by the catalog's GPU count. Null when the catalog cannot price it.
 */
export function gpuCostPerHour(instance: InstanceToPrice, catalog: Catalog, allowRegionFallback = true): number | null {
  const priced = priceInstance(instance, catalog, allowRegionFallback);
  if (!priced) return null;
  return Math.round((priced.usdPerHour / priced.row.gpu_count) * 10_000) / 10_000;
}
