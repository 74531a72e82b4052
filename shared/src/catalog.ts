/**
 * The GPU instance catalog: every GPU instance type the recommendations engine may price or
 * propose, with on-demand and spot prices per region (data/gpu-instances.csv, see
 * data/SOURCES.md). Its capture date is unknown, so every price quoted from it carries the
 * catalog's identity (file name, sha256, row count) and a newer CSV can replace it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatCatalogIssue, parseCatalogRows, type CatalogIssue, type CatalogProvider, type CatalogRow } from './catalog_csv.js';
import { gpuClass } from './catalog_gpu_classes.js';

export * from './catalog_csv.js';
export * from './catalog_gpu_classes.js';

/** Which catalog a price came from. `captured_at` is null when the capture date is unknown. */
export interface CatalogIdentity {
  file: string;
  sha256: string;
  rows: number;
  captured_at: string | null;
}

/** A loaded, validated catalog with its lookups. */
export interface Catalog {
  readonly identity: CatalogIdentity;
  readonly rows: readonly CatalogRow[];
  /** The row for (provider, type, region); without a region, the first row of that type. */
  find(provider: string, instanceType: string, region?: string): CatalogRow | undefined;
  /** Whether the provider sells this type in any region (GCP N1 machine types match `n1-…+gpu` rows). */
  hasInstanceType(provider: string, instanceType: string): boolean;
  /** Every region row of one type. */
  rowsOf(provider: string, instanceType: string): CatalogRow[];
  /** Every type the provider sells in the region: the candidates for a right-sizing. */
  candidates(provider: string, region: string): CatalogRow[];
}

/** A catalog file that cannot be used; `issues` names each bad line and column. */
export class CatalogError extends Error {
  override name = 'CatalogError';
  constructor(
    message: string,
    readonly issues: CatalogIssue[],
  ) {
    super(message);
  }
}

/** Outcome of validating a candidate catalog file (the `catalog import` command prints it). */
export interface CatalogValidation {
  ok: boolean;
  identity: CatalogIdentity;
  /** Problems that make the file unusable, formatted `file line N, column "x": why`. */
  errors: string[];
  issues: CatalogIssue[];
  /** Usable but suspicious rows: unknown GPU models (never proposed), spot ≥ on-demand. */
  warnings: string[];
}

/** File name of the catalog shipped in this package. */
export const BUNDLED_CATALOG_FILE = 'gpu-instances.csv';

/** Absolute path of the shipped catalog (`shared/data/gpu-instances.csv`, beside `src` and `dist`). */
export function bundledCatalogPath(): string {
  return fileURLToPath(new URL(`../data/${BUNDLED_CATALOG_FILE}`, import.meta.url));
}

function identityOf(text: string, file: string, rows: number, capturedAt: string | null): CatalogIdentity {
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  return { file, sha256, rows, captured_at: capturedAt };
}

function warningsOf(rows: CatalogRow[], file: string): string[] {
  const warnings: string[] = [];
  for (const row of rows) {
    if (!gpuClass(row.gpu_model)) {
      warnings.push(formatCatalogIssue({ line: row.line, column: 'gpu_model', message: `unknown GPU model "${row.gpu_model}": it will be priced but never proposed` }, file));
    }
    const od = row.on_demand_usd_per_hour;
    if (od !== null && row.spot_usd_per_hour !== null && row.spot_usd_per_hour >= od) {
      warnings.push(formatCatalogIssue({ line: row.line, column: 'spot_usd_per_hour', message: `spot ${row.spot_usd_per_hour} is not below on-demand ${od}` }, file));
    }
  }
  return warnings;
}

/**
 * Checks a candidate catalog CSV without loading it: the collector's
 * `gpuoptimizer-collector catalog import <file>` calls this, prints `errors` and `warnings`, and
 * installs the file only when `ok`. Never throws for bad input.
 */
export function validateCatalogCsv(text: string, fileName = 'catalog.csv', capturedAt: string | null = null): CatalogValidation {
  const { rows, issues } = parseCatalogRows(text);
  return {
    ok: issues.length === 0,
    identity: identityOf(text, fileName, rows.length, capturedAt),
    errors: issues.map((i) => formatCatalogIssue(i, fileName)),
    issues,
    warnings: issues.length === 0 ? warningsOf(rows, fileName) : [],
  };
}

/** Options of {@link loadCatalog}. */
export interface LoadCatalogOptions {
  /** Name to report in the identity and in errors (default: the bundled file's name). */
  fileName?: string;
  /** ISO date the prices were captured, when known. */
  capturedAt?: string | null;
}

/**
 * Loads and validates a catalog: the given CSV text, or the bundled `data/gpu-instances.csv`.
 * Throws a CatalogError naming the first bad lines and columns.
 */
export function loadCatalog(csvText?: string, options: LoadCatalogOptions = {}): Catalog {
  const text = csvText ?? readFileSync(bundledCatalogPath(), 'utf8');
  const file = options.fileName ?? (csvText === undefined ? BUNDLED_CATALOG_FILE : 'catalog.csv');
  const { rows, issues } = parseCatalogRows(text);
  if (issues.length > 0) {
    const shown = issues.slice(0, 10).map((i) => formatCatalogIssue(i, file));
    const more = issues.length > 10 ? ` (and ${issues.length - 10} more)` : '';
    throw new CatalogError(`invalid GPU catalog: ${shown.join('; ')}${more}`, issues);
  }
  return buildCatalog(rows, identityOf(text, file, rows.length, options.capturedAt ?? null));
}

const machineType = (instanceType: string): string => instanceType.split('+')[0] ?? instanceType;

function buildCatalog(rows: CatalogRow[], identity: CatalogIdentity): Catalog {
  const frozen = Object.freeze(rows.map((r) => Object.freeze({ ...r })));
  const byType = new Map<string, CatalogRow[]>();
  for (const row of frozen) {
    const key = `${row.provider}|${row.instance_type}`;
    byType.set(key, [...(byType.get(key) ?? []), row]);
  }
  const machines = new Set(frozen.map((r) => `${r.provider}|${machineType(r.instance_type)}`));
  const rowsOf = (provider: string, type: string): CatalogRow[] => [...(byType.get(`${provider}|${type}`) ?? [])];
  return Object.freeze({
    identity: Object.freeze({ ...identity }),
    rows: frozen,
    rowsOf,
    find: (provider: string, type: string, region?: string) => rowsOf(provider, type).find((r) => region === undefined || r.region === region),
    hasInstanceType: (provider: string, type: string) => byType.has(`${provider}|${type}`) || machines.has(`${provider}|${type}`),
    candidates: (provider: string, region: string) => frozen.filter((r) => r.provider === provider && r.region === region),
  });
}

const GCP_N1_ACCELERATORS: Record<string, string> = { T4: 'nvidia-tesla-t4', P100: 'nvidia-tesla-p100', V100: 'nvidia-tesla-v100' };

/**
 * The catalog's name for an instance. GCP N1 hosts report only their machine type
 * (`n1-highmem-8`); their catalog rows are `n1-highmem-8+nvidia-tesla-t4:2`, built here from the
 * GPU model and count nvidia-smi reports. Every other name passes through.
 */
export function catalogInstanceType(provider: string, instanceType: string, gpuModel: string | null, gpuCount: number): string {
  if (provider !== 'gcp' || !instanceType.startsWith('n1-') || instanceType.includes('+')) return instanceType;
  const accelerator = gpuModel === null ? undefined : GCP_N1_ACCELERATORS[gpuModel];
  return accelerator === undefined ? instanceType : `${instanceType}+${accelerator}:${gpuCount}`;
}

/** Whether a provider string is one the catalog prices. */
export function isCatalogProvider(provider: string): provider is CatalogProvider {
  return provider === 'aws' || provider === 'gcp' || provider === 'azure';
}
