/**
 * How a GPU is shown. Status: `offline` when no reading arrived within OFFLINE_AFTER_MS (or none
 * ever: a GPU added by hand stays offline until an agent reports it), `idle` when online with
 * utilisation below IDLE_BELOW_PCT or unknown, else `active`.
 */
import { z } from 'zod';
import type { GpuRecord, GpuSummary, HostRecord } from '../../stores/app/types.js';
import type { GpuPricing } from '../deps.js';

/** A GPU is offline when its last reading is older than this. */
export const OFFLINE_AFTER_MS = 5 * 60_000;
/** An online GPU below this utilisation (%) is idle. */
export const IDLE_BELOW_PCT = 5;

export const GPU_STATUSES = ['active', 'idle', 'offline'] as const;
export type GpuStatus = (typeof GPU_STATUSES)[number];

/** The liveness status of a GPU at `now`. */
export function gpuStatus(g: GpuSummary, now: Date): GpuStatus {
  if (!g.lastSeenAt || Date.parse(g.lastSeenAt) < now.getTime() - OFFLINE_AFTER_MS) return 'offline';
  return g.lastUtilization !== null && g.lastUtilization >= IDLE_BELOW_PCT ? 'active' : 'idle';
}

/** Schema of a GPU in a listing. */
export const gpuView = z.object({
  id: z.string(),
  uuid: z.string().nullable(),
  name: z.string(),
  provider: z.string().nullable(),
  instance_type: z.string().nullable(),
  region: z.string().nullable(),
  status: z.enum(GPU_STATUSES),
  utilization: z.number().nullable(),
  memory_total_mib: z.number().nullable(),
  cost_per_hour: z.number().nullable(),
  savings: z.number().nullable(),
  source: z.enum(['agent', 'manual']),
  host: z.object({ id: z.string(), hostname: z.string().nullable() }).nullable(),
  last_seen_at: z.string().nullable(),
  created_at: z.string(),
});

/** Schema of one GPU's details. */
export const gpuDetailView = gpuView.extend({
  model: z.string().nullable(),
  zone: z.string().nullable(),
  lifecycle: z.string().nullable(),
  has_credentials: z.boolean(),
  updated_at: z.string(),
  cloud: z.record(z.string(), z.unknown()).nullable(),
  host_info: z.record(z.string(), z.unknown()).nullable(),
  latest_reading: z.record(z.string(), z.unknown()).nullable(),
  processes: z.array(z.object({ pid: z.number(), name: z.string(), used_memory_mib: z.number().nullable() })),
});

/** A GPU's price figures, as GpuPricing returns them. */
export type GpuPrice = ReturnType<GpuPricing['price']>;
const NO_PRICE: GpuPrice = { cost_per_hour: null, savings: null };

/** Renders a GPU for a listing, with its price figures when known. */
export function presentGpu(g: GpuSummary, now: Date, price: GpuPrice = NO_PRICE): z.infer<typeof gpuView> {
  return {
    id: g.id, uuid: g.uuid, name: g.name, provider: g.provider, instance_type: g.instanceType, region: g.region,
    status: gpuStatus(g, now), utilization: g.lastUtilization, memory_total_mib: g.memoryTotalMib,
    cost_per_hour: price.cost_per_hour, savings: price.savings, source: g.source,
    host: g.hostId ? { id: g.hostId, hostname: g.hostname } : null, last_seen_at: g.lastSeenAt, created_at: g.createdAt,
  };
}

/** Renders one GPU with its host, cloud, latest reading and processes (never its credentials). */
export function presentGpuDetail(
  g: GpuRecord, host: HostRecord | null, now: Date, pricing?: GpuPricing,
): z.infer<typeof gpuDetailView> {
  return {
    ...presentGpu(g, now, pricing?.price(g)),
    model: g.model, zone: g.zone, lifecycle: g.lifecycle, has_credentials: g.hasCredentials, updated_at: g.updatedAt,
    cloud: host?.cloud ?? (g.provider ? { provider: g.provider, instance_type: g.instanceType, region: g.region, zone: g.zone } : null),
    host_info: host ? { ...host.info, last_seen_at: host.lastSeenAt } : null,
    latest_reading: g.lastReading ? { ...g.lastReading, ts: g.lastSeenAt } : null,
    processes: g.lastProcesses.map((p) => ({ pid: p.pid, name: p.name, used_memory_mib: p.used_memory_mib })),
  };
}
