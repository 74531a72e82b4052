/**
 * Cell-level parsing of nvidia-smi output. Every way nvidia-smi says "no value" becomes null,
 * never 0; a cell that should be a number but is not counts as a parse error.
 */

/** Tokens nvidia-smi prints instead of a value (compared lower-case, brackets stripped). */
const ABSENT = new Set([
  '',
  'n/a',
  'na',
  'not supported',
  'insufficient permissions',
  'requested functionality has been deprecated',
  'unknown error',
  'err!',
  'not found',
  'not available',
  'gpu is lost',
  'gpu requires reset',
  'none',
]);

/** True when a cell holds one of nvidia-smi's "no value" tokens. */
export function isAbsent(raw: string | undefined): boolean {
  if (raw === undefined) return true;
  const t = raw.trim();
  // Any bracketed token ("[N/A]", "[Unknown Error]", future ones) is a status, not a value.
  if (t.startsWith('[') && t.endsWith(']')) return true;
  return ABSENT.has(t.toLowerCase());
}

/** A trimmed text cell, or null when absent. */
export function parseText(raw: string | undefined): string | null {
  return isAbsent(raw) ? null : (raw as string).trim();
}

/** Multipliers into the base unit a field is named in (MiB for memory, W for power, MHz for clocks). */
const UNIT_SCALE: Record<string, number> = {
  kib: 1 / 1024,
  mib: 1,
  gib: 1024,
  kb: 1 / 1024,
  mb: 1,
  gb: 1024,
  mw: 1 / 1000,
  w: 1,
  kw: 1000,
  hz: 1 / 1e6,
  khz: 1 / 1000,
  mhz: 1,
  ghz: 1000,
  '%': 1,
  c: 1,
  j: 1000,
  mj: 1,
  ms: 1,
  us: 1 / 1000,
};

const NUMBER_WITH_UNIT = /^([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*([A-Za-z%]*)$/;

export type NumberCell = { kind: 'absent' } | { kind: 'value'; value: number } | { kind: 'invalid' };

/**
 * A numeric cell, tolerating a unit suffix (`81559 MiB`, `69.85 W`, `38 %`) as `--format=csv`
 * without `nounits` prints it; unknown units are taken as the base unit.
 */
export function parseNumberCell(raw: string | undefined): NumberCell {
  if (isAbsent(raw)) return { kind: 'absent' };
  const m = NUMBER_WITH_UNIT.exec((raw as string).trim());
  if (!m || m[1] === undefined) return { kind: 'invalid' };
  const scale = UNIT_SCALE[(m[2] ?? '').toLowerCase()] ?? 1;
  // Rounded after scaling so 69850 mW reads as 69.85 W, not 69.85000000000001.
  const value = scale === 1 ? Number(m[1]) : Math.round(Number(m[1]) * scale * 1e6) / 1e6;
  return Number.isFinite(value) ? { kind: 'value', value } : { kind: 'invalid' };
}

/** A number or null; `onInvalid` is told about cells that are neither a number nor an absent token. */
export function parseNumber(raw: string | undefined, onInvalid?: () => void): number | null {
  const cell = parseNumberCell(raw);
  if (cell.kind === 'value') return cell.value;
  if (cell.kind === 'invalid') onInvalid?.();
  return null;
}

/** Strips a trailing ` [unit]` from a CSV header (`memory.total [MiB]` → `memory.total`), lower-cased. */
export function normaliseHeader(raw: string): string {
  return raw.trim().replace(/\s*\[[^\]]*\]\s*$/, '').trim().toLowerCase();
}

/** Splits one CSV line the way nvidia-smi writes it: comma-separated, space after the comma, no quoting. */
export function splitCsv(line: string): string[] {
  return line.split(',').map((c) => c.trim());
}
