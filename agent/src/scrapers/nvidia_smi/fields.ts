/**
 * Which `--query-gpu` fields to ask for. Each sample field has candidate query names, newest
 * first or best first; `--help-query-gpu` says which exist on this driver and which are aliases
 * of one another, so renamed fields (`clocks_throttle_reasons.*` → `clocks_event_reasons.*`,
 * `power.draw` → `power.draw.average`/`.instant`) resolve to whatever the driver knows.
 */

/** How a query value is turned into a sample value. */
export type FieldKind = 'text' | 'number' | 'int';

/** One sample field and the query names that can fill it, in order of preference. */
export interface FieldSpec {
  key: string;
  kind: FieldKind;
  candidates: readonly string[];
}

/** Every field the GPU sample can carry (keys are GpuSample's snake_case names). */
export const FIELD_SPECS: readonly FieldSpec[] = [
  { key: 'uuid', kind: 'text', candidates: ['uuid', 'gpu_uuid'] },
  { key: 'index', kind: 'int', candidates: ['index'] },
  { key: 'name', kind: 'text', candidates: ['name', 'gpu_name'] },
  { key: 'serial', kind: 'text', candidates: ['serial', 'gpu_serial'] },
  { key: 'pci_bus_id', kind: 'text', candidates: ['pci.bus_id', 'gpu_bus_id'] },
  { key: 'driver_version', kind: 'text', candidates: ['driver_version'] },
  { key: 'vbios_version', kind: 'text', candidates: ['vbios_version'] },
  { key: 'mig_mode', kind: 'text', candidates: ['mig.mode.current'] },
  { key: 'compute_cap', kind: 'text', candidates: ['compute_cap'] },
  { key: 'utilization_gpu_pct', kind: 'number', candidates: ['utilization.gpu'] },
  { key: 'utilization_memory_pct', kind: 'number', candidates: ['utilization.memory'] },
  { key: 'encoder_utilization_pct', kind: 'number', candidates: ['utilization.encoder'] },
  { key: 'decoder_utilization_pct', kind: 'number', candidates: ['utilization.decoder'] },
  { key: 'memory_total_mib', kind: 'number', candidates: ['memory.total'] },
  { key: 'memory_used_mib', kind: 'number', candidates: ['memory.used'] },
  { key: 'memory_free_mib', kind: 'number', candidates: ['memory.free'] },
  { key: 'temperature_c', kind: 'number', candidates: ['temperature.gpu'] },
  // Ampere+ report a 1 s average; Turing and older report [N/A] there and an instant value.
  { key: 'power_draw_w', kind: 'number', candidates: ['power.draw.average', 'power.draw', 'power.draw.instant'] },
  { key: 'power_limit_w', kind: 'number', candidates: ['enforced.power.limit', 'power.limit'] },
  { key: 'power_max_limit_w', kind: 'number', candidates: ['power.max_limit'] },
  { key: 'sm_clock_mhz', kind: 'number', candidates: ['clocks.current.sm', 'clocks.sm'] },
  { key: 'mem_clock_mhz', kind: 'number', candidates: ['clocks.current.memory', 'clocks.mem'] },
  { key: 'pstate', kind: 'text', candidates: ['pstate'] },
  { key: 'fan_speed_pct', kind: 'number', candidates: ['fan.speed'] },
  {
    key: 'ecc_errors_uncorrected',
    kind: 'int',
    candidates: ['ecc.errors.uncorrected.volatile.total', 'ecc.errors.uncorrected.aggregate.total'],
  },
  {
    key: 'ecc_errors_corrected',
    kind: 'int',
    candidates: ['ecc.errors.corrected.volatile.total', 'ecc.errors.corrected.aggregate.total'],
  },
  { key: 'throttle_reasons', kind: 'text', candidates: ['clocks_event_reasons.active', 'clocks_throttle_reasons.active'] },
  { key: 'energy_consumption_mj', kind: 'number', candidates: ['total_energy_consumption', 'energy.consumption'] },
  { key: 'retired_pages_sbe', kind: 'int', candidates: ['retired_pages.single_bit_ecc.count', 'retired_pages.sbe'] },
  { key: 'retired_pages_dbe', kind: 'int', candidates: ['retired_pages.double_bit.count', 'retired_pages.dbe'] },
  { key: 'remapped_rows_correctable', kind: 'int', candidates: ['remapped_rows.correctable', 'remapped_rows.sbe'] },
  { key: 'remapped_rows_uncorrectable', kind: 'int', candidates: ['remapped_rows.uncorrectable', 'remapped_rows.dbe'] },
];

/** The fields every sample needs; without `uuid` a row cannot be attributed. */
export const REQUIRED_FIELD = 'uuid';

/** Field groups from `--help-query-gpu`: each group is one property and its aliases, canonical name first. */
export type HelpFields = string[][];

const FIELD_LINE = /^"([^"]+)"((?:\s+or\s+"[^"]+")*)\s*$/;

/** Parses `nvidia-smi --help-query-gpu`; returns [] when the text holds no field lines. */
export function parseHelpQueryGpu(text: string): HelpFields {
  const groups: HelpFields = [];
  for (const line of text.split(/\r?\n/)) {
    const m = FIELD_LINE.exec(line.trim());
    if (!m || m[1] === undefined) continue;
    const aliases = [...(m[2] ?? '').matchAll(/"([^"]+)"/g)].map((a) => a[1] ?? '');
    groups.push([m[1], ...aliases].map((n) => n.toLowerCase()).filter((n) => n !== ''));
  }
  return groups;
}

/** A help text is usable when it names the fields a row cannot do without. */
export function isUsableHelp(groups: HelpFields): boolean {
  const names = new Set(groups.flat());
  return names.has('uuid') && names.has('index') && names.has('memory.total');
}

/**
 * The query names to request. With a help list, each candidate the driver knows is asked for by
 * its canonical name, once. Without one (help failed or unparsable), a conservative list of the
 * first candidate of each field, which old drivers know; the loop drops any the driver rejects.
 */
export function selectQueryFields(help: HelpFields | null): string[] {
  const canonical = new Map<string, string>();
  for (const group of help ?? []) for (const name of group) canonical.set(name, group[0] ?? name);
  const picked: string[] = [];
  for (const spec of FIELD_SPECS) {
    const names = help ? spec.candidates.map((c) => canonical.get(c)) : [fallbackName(spec)];
    for (const name of names) if (name !== undefined && !picked.includes(name)) picked.push(name);
  }
  return picked;
}

// Fields absent from drivers before ~450 are left out of the fallback; the rest are classic names.
const FALLBACK_SKIP = new Set(['energy_consumption_mj', 'encoder_utilization_pct', 'decoder_utilization_pct']);

function fallbackName(spec: FieldSpec): string | undefined {
  if (FALLBACK_SKIP.has(spec.key)) return undefined;
  // The classic name is the last candidate for renamed fields, the first for the rest.
  if (spec.key === 'throttle_reasons') return 'clocks_throttle_reasons.active';
  if (spec.key === 'power_draw_w') return 'power.draw';
  return spec.candidates[0];
}

/**
 * Maps every name a CSV header may show (canonical or alias, from help or from the candidate
 * lists) to the field keys it can fill, with the candidate's rank for picking among several.
 */
export function buildHeaderIndex(help: HelpFields | null): Map<string, { key: string; rank: number }[]> {
  const groupOf = new Map<string, string[]>();
  for (const group of help ?? []) for (const name of group) groupOf.set(name, group);
  const index = new Map<string, { key: string; rank: number }[]>();
  FIELD_SPECS.forEach((spec) => {
    spec.candidates.forEach((candidate, rank) => {
      for (const name of groupOf.get(candidate) ?? [candidate]) {
        const list = index.get(name) ?? [];
        if (!list.some((e) => e.key === spec.key)) list.push({ key: spec.key, rank });
        index.set(name, list);
      }
    });
  });
  return index;
}
