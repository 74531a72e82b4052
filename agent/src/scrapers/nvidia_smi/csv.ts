/**
 * Reads `--query-gpu` CSV by header name. The header is required (a header-less CSV cannot be
 * read safely when a driver drops or reorders a field); units in the header or in the cells
 * (`--format=csv` without `nounits`) are tolerated.
 */
import type { GpuSample } from '@gpuoptimizer/shared';
import { FIELD_SPECS, buildHeaderIndex, type FieldKind, type HelpFields } from './fields.js';
import { normaliseHeader, parseNumber, parseText, splitCsv } from './tokens.js';

/** One GPU's values from one CSV row, keyed by GpuSample field name. */
export type GpuRow = Record<string, string | number | null>;

/** What one CSV line turned out to be. */
export type CsvLine =
  | { kind: 'header' }
  | { kind: 'row'; row: GpuRow; invalidCells: number }
  | { kind: 'garbage'; reason: string };

interface Column {
  key: string;
  rank: number;
  kind: FieldKind;
}

const KIND_OF = new Map(FIELD_SPECS.map((s) => [s.key, s.kind]));

/** A stateful reader: feed it lines; it learns the columns from the header line. */
export interface CsvReader {
  readLine(line: string): CsvLine;
  hasHeader(): boolean;
}

/** Creates a reader that maps header names (and their aliases from help) to sample fields. */
export function createCsvReader(help: HelpFields | null): CsvReader {
  const headerIndex = buildHeaderIndex(help);
  let columns: (Column[] | null)[] | null = null;

  const looksLikeHeader = (cells: string[]): boolean =>
    cells.some((c) => normaliseHeader(c) === 'uuid' || normaliseHeader(c) === 'gpu_uuid');

  return {
    hasHeader: () => columns !== null,
    readLine(line: string): CsvLine {
      const cells = splitCsv(line);
      if (looksLikeHeader(cells)) {
        columns = cells.map((c) => {
          const targets = headerIndex.get(normaliseHeader(c));
          return targets ? targets.map((t) => ({ ...t, kind: KIND_OF.get(t.key) ?? 'text' })) : null;
        });
        return { kind: 'header' };
      }
      if (!columns) return { kind: 'garbage', reason: 'row before header' };
      if (cells.length !== columns.length) {
        return { kind: 'garbage', reason: `expected ${columns.length} cells, got ${cells.length}` };
      }
      return readRow(columns, cells);
    },
  };
}

function readRow(columns: (Column[] | null)[], cells: string[]): CsvLine {
  const row: GpuRow = {};
  const ranks = new Map<string, number>();
  let invalidCells = 0;
  columns.forEach((targets, i) => {
    for (const col of targets ?? []) {
      const value = readCell(col.kind, cells[i], () => invalidCells++);
      const prev = ranks.get(col.key);
      // A better-ranked candidate wins, but a null never hides a value from a lesser one.
      if (value === null && prev !== undefined) continue;
      if (prev !== undefined && row[col.key] !== null && prev < col.rank) continue;
      row[col.key] = value;
      ranks.set(col.key, col.rank);
    }
  });
  if (typeof row.uuid !== 'string') return { kind: 'garbage', reason: 'row without a GPU uuid' };
  return { kind: 'row', row, invalidCells };
}

function readCell(kind: FieldKind, raw: string | undefined, onInvalid: () => void): string | number | null {
  if (kind === 'text') return parseText(raw);
  const n = parseNumber(raw, onInvalid);
  return kind === 'int' && n !== null ? Math.round(n) : n;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Turns a row into the sample document's GPU entry; fields the row lacks are null. */
export function toGpuSample(row: GpuRow): GpuSample {
  return {
    uuid: str(row.uuid) ?? '',
    index: num(row.index) ?? -1,
    name: str(row.name) ?? 'unknown',
    serial: str(row.serial),
    pci_bus_id: str(row.pci_bus_id),
    driver_version: str(row.driver_version),
    mig_mode: str(row.mig_mode),
    utilization_gpu_pct: num(row.utilization_gpu_pct),
    utilization_memory_pct: num(row.utilization_memory_pct),
    memory_total_mib: num(row.memory_total_mib),
    memory_used_mib: num(row.memory_used_mib),
    temperature_c: num(row.temperature_c),
    power_draw_w: num(row.power_draw_w),
    power_limit_w: num(row.power_limit_w),
    sm_clock_mhz: num(row.sm_clock_mhz),
    mem_clock_mhz: num(row.mem_clock_mhz),
    pstate: str(row.pstate),
    fan_speed_pct: num(row.fan_speed_pct),
    ecc_errors_uncorrected: num(row.ecc_errors_uncorrected),
    throttle_reasons: str(row.throttle_reasons),
    ecc_errors_corrected: num(row.ecc_errors_corrected),
    energy_consumption_mj: num(row.energy_consumption_mj),
    vbios_version: str(row.vbios_version),
    power_max_limit_w: num(row.power_max_limit_w),
    compute_cap: str(row.compute_cap),
    retired_pages_sbe: num(row.retired_pages_sbe),
    retired_pages_dbe: num(row.retired_pages_dbe),
    remapped_rows_correctable: num(row.remapped_rows_correctable),
    remapped_rows_uncorrectable: num(row.remapped_rows_uncorrectable),
    memory_free_mib: num(row.memory_free_mib),
    encoder_utilization_pct: num(row.encoder_utilization_pct),
    decoder_utilization_pct: num(row.decoder_utilization_pct),
  };
}
