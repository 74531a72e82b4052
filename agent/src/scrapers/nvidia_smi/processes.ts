/**
 * Parses `--query-compute-apps` output. nvidia-smi does not quote CSV, so a process name may
 * itself contain commas (and Windows paths contain backslashes and spaces): the name is whatever
 * lies between the pid (an integer) and the memory (the last cell).
 */
import type { ProcessSample } from '@gpuoptimizer/shared';
import { normaliseHeader, parseNumber } from './tokens.js';

/** The query the agent asks for; the parser also reads other column orders when a header says so. */
export const COMPUTE_APPS_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_memory'] as const;

/** Parsed processes plus the count of lines that could not be read. */
export interface ProcessParse {
  processes: ProcessSample[];
  badLines: number;
}

const COLUMN_OF: Record<string, 'uuid' | 'pid' | 'name' | 'mem'> = {
  gpu_uuid: 'uuid',
  uuid: 'uuid',
  pid: 'pid',
  process_name: 'name',
  name: 'name',
  used_memory: 'mem',
  used_gpu_memory: 'mem',
};

type Layout = ('uuid' | 'pid' | 'name' | 'mem' | null)[];

const DEFAULT_LAYOUT: Layout = ['uuid', 'pid', 'name', 'mem'];

/** Parses compute-apps CSV with or without a header line (a header, if present, fixes the order). */
export function parseComputeApps(text: string): ProcessParse {
  let layout = DEFAULT_LAYOUT;
  const processes: ProcessSample[] = [];
  let badLines = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    // "No running processes found" is what old drivers print for an empty list.
    if (line === '' || /^no running/i.test(line)) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.some((c) => normaliseHeader(c) === 'pid')) {
      layout = cells.map((c) => COLUMN_OF[normaliseHeader(c)] ?? null);
      continue;
    }
    const p = readProcess(layout, cells, line.split(','));
    if (p) processes.push(p);
    else badLines++;
  }
  return { processes, badLines };
}

function readProcess(layout: Layout, cells: string[], rawCells: string[]): ProcessSample | null {
  const nameAt = layout.indexOf('name');
  const extra = cells.length - layout.length;
  if (nameAt < 0 || extra < 0) return null;
  // The name column absorbs the extra cells its commas created.
  const value = (col: 'uuid' | 'pid' | 'mem'): string | undefined => {
    const at = layout.indexOf(col);
    return at < 0 ? undefined : cells[at > nameAt ? at + extra : at];
  };
  const uuid = value('uuid');
  const pidText = value('pid');
  if (!uuid || !pidText || !/^\d+$/.test(pidText)) return null;
  // Rejoin the untrimmed cells so "a, b" keeps its space.
  const name = rawCells.slice(nameAt, nameAt + extra + 1).join(',').trim();
  const mem = value('mem');
  return { gpu_uuid: uuid, pid: Number(pidText), name, used_memory_mib: parseNumber(mem) };
}
