/**
 * TabSeparated encoding of raw rows, straight from the wire samples: ClickHouse parses it several
 * times faster than JSONEachRow (measured on chDB: 50,000 rows in ~160 ms against ~520 ms), and
 * writing it allocates no row objects on ingest's hot path.
 */
import type { WireSample } from '@gpuoptimizer/shared';

/** Column order of gpu_samples, as the TSV rows are written. */
export const RAW_COLUMN_ORDER = [
  'tenant_id', 'gpu_uuid', 'ts', 'host_id', 'agent_id', 'batch_seq', 'gpu_index',
  'utilization_gpu_pct', 'utilization_memory_pct', 'memory_used_mib', 'memory_total_mib', 'temperature_c',
  'power_draw_w', 'power_limit_w', 'sm_clock_mhz', 'mem_clock_mhz', 'fan_speed_pct', 'energy_consumption_mj',
  'ecc_errors_uncorrected', 'pstate', 'process_count',
] as const;

// TabSeparated escapes: backslash, tab, newline (and carriage return) inside strings.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
/** A string cell: `\N` for null, escaped otherwise. */
export function text(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  return NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}

/** A number cell: `\N` for null or a non-finite value. */
export function num(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '\\N' : String(v);
}

/** Encoded rows of one batch. */
export interface EncodedRows {
  tsv: string;
  rows: number;
}

/**
 * Encodes one row per GPU per sample. `skip(gpuUuid, tsMs)` leaves out rows the store already
 * holds (the re-send path).
 */
export function encodeSamples(
  tenantId: string, agentId: string, seq: number, samples: readonly WireSample[], skip?: (gpuUuid: string, tsMs: number) => boolean,
): EncodedRows {
  const prefix = text(tenantId);
  const mid = `\t${text(agentId)}\t${seq}\t`;
  let tsv = '';
  let rows = 0;
  for (const s of samples) {
    const ts = Number(s.ts_unix_ms);
    const host = text(s.host?.id ?? '');
    let procs: Map<string, number> | undefined;
    for (const p of s.processes ?? []) (procs ??= new Map()).set(p.gpu_uuid, (procs.get(p.gpu_uuid) ?? 0) + 1);
    for (const g of s.gpus ?? []) {
      if (skip?.(g.uuid, ts)) continue;
      tsv += `${prefix}\t${text(g.uuid)}\t${ts}\t${host}${mid}${Math.min(255, g.index ?? 0)}\t${num(g.utilization_gpu_pct)}\t${num(g.utilization_memory_pct)}\t`
        + `${num(g.memory_used_mib)}\t${num(g.memory_total_mib)}\t${num(g.temperature_c)}\t${num(g.power_draw_w)}\t${num(g.power_limit_w)}\t`
        + `${num(g.sm_clock_mhz)}\t${num(g.mem_clock_mhz)}\t${num(g.fan_speed_pct)}\t${num(g.energy_consumption_mj)}\t`
        + `${num(g.ecc_errors_uncorrected)}\t${text(g.pstate)}\t${procs?.get(g.uuid) ?? 0}\n`;
      rows++;
    }
  }
  return { tsv, rows };
}
