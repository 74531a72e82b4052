/**
 * Parsing and validation of the GPU instance catalog CSV (`data/gpu-instances.csv`).
 * Values are read by header name, not position; every problem names its line and column.
 */

/** The providers the catalog prices. */
export type CatalogProvider = 'aws' | 'gcp' | 'azure';

/** One row of the catalog: one instance type in one region. Prices are USD per hour, whole instance. */
export interface CatalogRow {
  provider: CatalogProvider;
  instance_type: string;
  gpu_model: string;
  gpu_count: number;
  gpu_memory_gib_per_gpu: number;
  vcpus: number;
  memory_gib: number;
  region: string;
  /** Null where the catalog has no trustworthy on-demand price (see SOURCES.md). */
  on_demand_usd_per_hour: number | null;
  /** Null where the provider publishes no spot price. */
  spot_usd_per_hour: number | null;
  source: string;
  /** 1-based line of the row in its file, for messages. */
  line: number;
}

/** One problem found in a catalog file. `column` is null for whole-line problems. */
export interface CatalogIssue {
  line: number;
  column: string | null;
  message: string;
}

/** The columns a catalog file must have, in the order the shipped file uses. */
export const CATALOG_COLUMNS = [
  'provider', 'instance_type', 'gpu_model', 'gpu_count', 'gpu_memory_gib_per_gpu', 'vcpus',
  'memory_gib', 'region', 'on_demand_usd_per_hour', 'spot_usd_per_hour', 'source',
] as const;
type Column = (typeof CATALOG_COLUMNS)[number];

interface RawRecord {
  line: number;
  fields: string[];
}

/** Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes and newlines). */
export function splitCsv(text: string): RawRecord[] {
  const records: RawRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const src = text.replace(/^\uFEFF/, '');
  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endField();
      if (fields.some((f) => f !== '') || fields.length > 1) records.push({ line: recordLine, fields });
      fields = [];
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) {
    endField();
    if (fields.some((f) => f !== '') || fields.length > 1) records.push({ line: recordLine, fields });
  }
  return records;
}

type Cells = Record<Column, string>;
type Issue = (column: Column, message: string) => void;

function positiveInt(cells: Cells, column: Column, issue: Issue): number {
  const raw = cells[column];
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n) || n <= 0) issue(column, `expected a positive integer, got "${raw}"`);
  return n;
}

function positiveNumber(cells: Cells, column: Column, issue: Issue): number {
  const raw = cells[column];
  const n = Number(raw);
  if (raw === '' || !Number.isFinite(n) || n <= 0) issue(column, `expected a positive number, got "${raw}"`);
  return n;
}

function optionalPrice(cells: Cells, column: Column, issue: Issue): number | null {
  const raw = cells[column];
  if (raw === '') return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) issue(column, `expected a positive USD price or an empty cell, got "${raw}"`);
  return n;
}

function required(cells: Cells, column: Column, issue: Issue): string {
  const raw = cells[column];
  if (raw === '') issue(column, 'must not be empty');
  else if (column !== 'source' && /\s/.test(raw)) issue(column, `must not contain spaces, got "${raw}"`);
  return raw;
}

/** Turns one record into a typed row, reporting every bad cell. */
function toRow(cells: Cells, line: number, issue: Issue): CatalogRow {
  const provider = cells.provider;
  if (provider !== 'aws' && provider !== 'gcp' && provider !== 'azure') {
    issue('provider', `expected aws, gcp or azure, got "${provider}"`);
  }
  return {
    provider: provider as CatalogProvider,
    instance_type: required(cells, 'instance_type', issue),
    gpu_model: required(cells, 'gpu_model', issue),
    gpu_count: positiveInt(cells, 'gpu_count', issue),
    gpu_memory_gib_per_gpu: positiveNumber(cells, 'gpu_memory_gib_per_gpu', issue),
    vcpus: positiveInt(cells, 'vcpus', issue),
    memory_gib: positiveNumber(cells, 'memory_gib', issue),
    region: required(cells, 'region', issue),
    on_demand_usd_per_hour: optionalPrice(cells, 'on_demand_usd_per_hour', issue),
    spot_usd_per_hour: optionalPrice(cells, 'spot_usd_per_hour', issue),
    source: required(cells, 'source', issue),
    line,
  };
}

/** Maps each required column to its position in the header, reporting missing ones. */
function headerIndex(header: RawRecord, issues: CatalogIssue[]): Map<Column, number> | null {
  const names = header.fields.map((f) => f.trim());
  const index = new Map<Column, number>();
  for (const column of CATALOG_COLUMNS) {
    const at = names.indexOf(column);
    if (at < 0) issues.push({ line: header.line, column, message: `header lacks the "${column}" column` });
    else index.set(column, at);
  }
  return index.size === CATALOG_COLUMNS.length ? index : null;
}

/** Parses catalog CSV text into rows, collecting every problem instead of stopping at the first. */
export function parseCatalogRows(text: string): { rows: CatalogRow[]; issues: CatalogIssue[] } {
  const issues: CatalogIssue[] = [];
  const [header, ...records] = splitCsv(text);
  if (!header) return { rows: [], issues: [{ line: 1, column: null, message: 'the file is empty' }] };
  const index = headerIndex(header, issues);
  if (!index) return { rows: [], issues };
  if (records.length === 0) issues.push({ line: header.line + 1, column: null, message: 'no data rows' });
  const rows: CatalogRow[] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    if (record.fields.length !== header.fields.length) {
      const message = `expected ${header.fields.length} fields, found ${record.fields.length}`;
      issues.push({ line: record.line, column: null, message });
      continue;
    }
    const cells = Object.fromEntries(CATALOG_COLUMNS.map((c) => [c, (record.fields[index.get(c) ?? 0] ?? '').trim()])) as Cells;
    const before = issues.length;
    const row = toRow(cells, record.line, (column, message) => issues.push({ line: record.line, column, message }));
    if (issues.length > before) continue;
    const key = `${row.provider}|${row.instance_type}|${row.region}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const message = `duplicate of line ${first} (${row.provider} ${row.instance_type} ${row.region})`;
      issues.push({ line: record.line, column: 'instance_type', message });
      continue;
    }
    seen.set(key, record.line);
    rows.push(row);
  }
  return { rows, issues };
}

/** Formats an issue as `line 7, column "gpu_count": …`. */
export function formatCatalogIssue(issue: CatalogIssue, fileName = 'catalog'): string {
  const where = issue.column === null ? `line ${issue.line}` : `line ${issue.line}, column "${issue.column}"`;
  return `${fileName} ${where}: ${issue.message}`;
}
