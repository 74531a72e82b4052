/** The GPU and host statements and their row mappers (kept apart so the repository reads short). */
import type { GpuSample, ProcessSample } from '@gpuoptimizer/shared';
import type { HostReport } from '../../ports.js';
import type { GpuRecord, GpuSummary, HostRecord } from './types.js';

const LIST_WHERE = `tenant_id = @tenant AND deleted_at IS NULL
  AND (@provider IS NULL OR provider = @provider)
  AND (@status IS NULL
    OR (@status = 'offline' AND (last_seen_at IS NULL OR last_seen_at < @since))
    OR (@status = 'idle' AND last_seen_at >= @since AND (last_utilization IS NULL OR last_utilization < @idle))
    OR (@status = 'active' AND last_seen_at >= @since AND last_utilization >= @idle))`;

const SUMMARY_COLUMNS = `id, tenant_id, uuid, name, model, provider, instance_type, region, zone, lifecycle, host_id,
  hostname, memory_total_mib, source, credentials IS NOT NULL AS has_credentials, last_utilization, last_seen_at,
  created_at, updated_at`;

/** Every GPU statement, parameterised. */
export const GPU_SQL = {
  upsertHost: `INSERT INTO hosts (tenant_id, id, agent_id, hostname, os, info_json, cloud_json, last_seen_at, created_at)
    VALUES (@tenant, @id, @agent, @hostname, @os, @info, @cloud, @seen, @seen)
    ON CONFLICT (tenant_id, id) DO UPDATE SET agent_id = excluded.agent_id, hostname = excluded.hostname,
      os = excluded.os, info_json = excluded.info_json, cloud_json = excluded.cloud_json,
      last_seen_at = excluded.last_seen_at
    WHERE excluded.last_seen_at >= hosts.last_seen_at`,
  upsertGpu: `INSERT INTO gpus (id, tenant_id, uuid, model, provider, instance_type, region, zone, lifecycle, host_id,
      hostname, memory_total_mib, source, last_reading_json, last_processes_json, last_utilization, last_seen_at,
      created_at, updated_at)
    VALUES (@id, @tenant, @uuid, @model, @provider, @instance_type, @region, @zone, @lifecycle, @host_id, @hostname,
      @memory_total_mib, 'agent', @reading, @processes, @utilization, @seen, @now, @now)
    ON CONFLICT (tenant_id, uuid) DO UPDATE SET model = excluded.model, provider = excluded.provider,
      instance_type = excluded.instance_type, region = excluded.region, zone = excluded.zone,
      lifecycle = excluded.lifecycle, host_id = excluded.host_id, hostname = excluded.hostname,
      memory_total_mib = coalesce(excluded.memory_total_mib, gpus.memory_total_mib),
      last_reading_json = excluded.last_reading_json,
      last_processes_json = coalesce(excluded.last_processes_json, gpus.last_processes_json),
      last_utilization = excluded.last_utilization, last_seen_at = excluded.last_seen_at,
      updated_at = excluded.updated_at, deleted_at = NULL
    WHERE excluded.last_seen_at >= coalesce(gpus.last_seen_at, '')`,
  list: `SELECT ${SUMMARY_COLUMNS} FROM gpus WHERE ${LIST_WHERE}
    ORDER BY created_at, host_id, uuid, id LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM gpus WHERE ${LIST_WHERE}`,
  byId: `SELECT ${SUMMARY_COLUMNS}, last_reading_json, last_processes_json FROM gpus
    WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL`,
  host: 'SELECT * FROM hosts WHERE tenant_id = ? AND id = ?',
  insertManual: `INSERT INTO gpus (id, tenant_id, name, provider, instance_type, region, zone, source, credentials,
      created_at, updated_at)
    VALUES (@id, @tenant, @name, @provider, @instance_type, @region, @zone, 'manual', @credentials, @at, @at)`,
  update: `UPDATE gpus SET name = coalesce(@name, name), provider = coalesce(@provider, provider),
      instance_type = coalesce(@instance_type, instance_type),
      region = CASE WHEN @set_region THEN @region ELSE region END,
      zone = CASE WHEN @set_zone THEN @zone ELSE zone END,
      credentials = CASE WHEN @set_credentials THEN @credentials ELSE credentials END, updated_at = @at
    WHERE id = @id AND tenant_id = @tenant AND deleted_at IS NULL`,
  remove: 'UPDATE gpus SET deleted_at = ? WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL',
  credentials: 'SELECT credentials FROM gpus WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL',
} as const;

/** A GPU row as SELECTed. */
export interface GpuRow {
  id: string;
  tenant_id: string;
  uuid: string | null;
  name: string | null;
  model: string | null;
  provider: string | null;
  instance_type: string | null;
  region: string | null;
  zone: string | null;
  lifecycle: string | null;
  host_id: string | null;
  hostname: string | null;
  memory_total_mib: number | null;
  source: 'agent' | 'manual';
  has_credentials: number;
  last_utilization: number | null;
  last_seen_at: string | null;
  created_at: string;
  updated_at: string;
  last_reading_json?: string | null;
  last_processes_json?: string | null;
}

/** A host row as SELECTed. */
export interface HostRow {
  tenant_id: string;
  id: string;
  agent_id: string | null;
  hostname: string;
  os: string | null;
  info_json: string;
  cloud_json: string | null;
  last_seen_at: string;
}

/** Maps a row to a summary; the display name falls back to the model, then the uuid. */
export function toGpuSummary(r: GpuRow): GpuSummary {
  return {
    id: r.id, tenantId: r.tenant_id, uuid: r.uuid, name: r.name ?? r.model ?? r.uuid ?? r.id, model: r.model,
    provider: r.provider, instanceType: r.instance_type, region: r.region, zone: r.zone, lifecycle: r.lifecycle,
    hostId: r.host_id, hostname: r.hostname, memoryTotalMib: r.memory_total_mib, source: r.source,
    hasCredentials: r.has_credentials === 1, lastUtilization: r.last_utilization, lastSeenAt: r.last_seen_at,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** Maps a full row, parsing the stored reading. */
export function toGpuRecord(r: GpuRow): GpuRecord {
  return {
    ...toGpuSummary(r),
    lastReading: r.last_reading_json ? (JSON.parse(r.last_reading_json) as GpuSample) : null,
    lastProcesses: r.last_processes_json ? (JSON.parse(r.last_processes_json) as ProcessSample[]) : [],
  };
}

/** Maps a host row. */
export function toHost(r: HostRow): HostRecord {
  return {
    id: r.id, tenantId: r.tenant_id, agentId: r.agent_id, hostname: r.hostname, os: r.os,
    info: JSON.parse(r.info_json) as Record<string, unknown>,
    cloud: r.cloud_json ? (JSON.parse(r.cloud_json) as Record<string, unknown>) : null, lastSeenAt: r.last_seen_at,
  };
}

/** Parameters of the host upsert for one report. */
export function hostRow(r: HostReport, seen: string): Record<string, unknown> {
  return {
    tenant: r.tenantId, id: r.host.id, agent: r.agentId, hostname: r.host.hostname, os: r.host.os,
    info: JSON.stringify(r.host), cloud: r.cloud ? JSON.stringify(r.cloud) : null, seen,
  };
}

/** Parameters of the GPU upsert for one GPU of a report. */
export function gpuRow(
  r: HostReport, g: GpuSample, procs: Map<string, ProcessSample[]> | null, id: string, seen: string, now: string,
): Record<string, unknown> {
  return {
    id, tenant: r.tenantId, uuid: g.uuid, model: g.name, provider: r.cloud?.provider ?? 'on_prem',
    instance_type: r.cloud?.instance_type ?? null, region: r.cloud?.region ?? null, zone: r.cloud?.zone ?? null,
    lifecycle: r.cloud?.lifecycle ?? null, host_id: r.host.id, hostname: r.host.hostname,
    memory_total_mib: g.memory_total_mib, reading: JSON.stringify(g),
    processes: procs ? JSON.stringify(procs.get(g.uuid) ?? []) : null, utilization: g.utilization_gpu_pct,
    seen, now,
  };
}
