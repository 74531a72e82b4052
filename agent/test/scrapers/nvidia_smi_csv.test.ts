/**
 * Guarantee: the query-gpu CSV of every real capture is read by header into the right sample
 * fields — units in the header and cells tolerated, every absent token null (never 0), renamed
 * fields resolved — and field discovery picks the names each driver's help lists.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCsvReader, toGpuSample, type GpuRow } from '../../src/scrapers/nvidia_smi/csv.js';
import { isUsableHelp, parseHelpQueryGpu, selectQueryFields } from '../../src/scrapers/nvidia_smi/fields.js';
import { readCaptureSections, section } from '../support/captures.js';
import { fixturePath } from '../support/helpers.js';

type Expect = Partial<Record<keyof ReturnType<typeof toGpuSample>, unknown>>;

// Values copied from the captures' query-gpu sections (see fixtures/nvidia-smi/SOURCES.md).
const CASES: { file: string; state: 'idle' | 'load'; expect: Expect }[] = [
  { file: 'gpu-exporter-linux-h100-80gb-hbm3-590.48.01.txt', state: 'idle', expect: { name: 'NVIDIA H100 80GB HBM3', memory_total_mib: 81559, memory_used_mib: 0, utilization_gpu_pct: 0, temperature_c: 41, power_draw_w: 69.85, power_limit_w: 700, sm_clock_mhz: 345, pstate: 'P0', fan_speed_pct: null, mig_mode: 'Disabled', throttle_reasons: '0x0000000000000001', ecc_errors_uncorrected: 0, retired_pages_sbe: null, remapped_rows_correctable: 0, compute_cap: '9.0', serial: '0000000000000', pci_bus_id: '00000000:00:09.0' } },
  { file: 'gpu-exporter-linux-h100-80gb-hbm3-590.48.01.txt', state: 'load', expect: { memory_used_mib: 19818, utilization_gpu_pct: 100, utilization_memory_pct: 11, temperature_c: 59, power_draw_w: 631.95, sm_clock_mhz: 1980, mem_clock_mhz: 2619, vbios_version: '96.00.A5.00.01' } },
  { file: 'gpu-exporter-linux-h100-mig-590.48.01.txt', state: 'idle', expect: { mig_mode: 'Enabled', utilization_gpu_pct: null, utilization_memory_pct: null, memory_used_mib: 59, power_draw_w: 71.15, remapped_rows_correctable: null } },
  { file: 'gpu-exporter-linux-h100-mig-590.48.01.txt', state: 'load', expect: { mig_mode: 'Enabled', utilization_gpu_pct: null, memory_used_mib: 11125, power_draw_w: 433.78, temperature_c: 53 } },
  // Turing: power.draw.average is [N/A], so the plain power.draw value is used.
  { file: 'gpu-exporter-linux-rtx2080super-595.71.05.txt', state: 'idle', expect: { name: 'NVIDIA GeForce RTX 2080 SUPER', serial: null, mig_mode: null, memory_total_mib: 8192, memory_used_mib: 214, power_draw_w: 39.32, power_limit_w: 250, power_max_limit_w: 350, fan_speed_pct: 38, pstate: 'P8', ecc_errors_uncorrected: null, compute_cap: '7.5' } },
  { file: 'gpu-exporter-linux-rtx2080super-595.71.05.txt', state: 'load', expect: { memory_used_mib: 819, utilization_gpu_pct: 8, power_draw_w: 111.5, sm_clock_mhz: 2055, mem_clock_mhz: 7500 } },
  { file: 'gpu-exporter-linux-rtx2080super-610.57.04.txt', state: 'idle', expect: { driver_version: '610.57.04', memory_used_mib: 211, temperature_c: 33, power_draw_w: 39.17 } },
  { file: 'gpu-exporter-linux-rtx2080super-610.57.04.txt', state: 'load', expect: { memory_used_mib: 815, power_draw_w: 98.14, sm_clock_mhz: 2070 } },
  { file: 'gpu-exporter-linux-rtx4080super-595.71.05.txt', state: 'idle', expect: { name: 'NVIDIA GeForce RTX 4080 SUPER', memory_total_mib: 16376, fan_speed_pct: 0, power_draw_w: 26.2, compute_cap: '8.9', pci_bus_id: '00000000:01:00.0' } },
  { file: 'gpu-exporter-linux-rtx4080super-595.71.05.txt', state: 'load', expect: { memory_used_mib: 1474, power_draw_w: 84.24, sm_clock_mhz: 2805, mem_clock_mhz: 11251 } },
  { file: 'gpu-exporter-windows-rtx2080super-591.86.txt', state: 'idle', expect: { driver_version: '591.86', memory_used_mib: 702, fan_speed_pct: 37, vbios_version: '90.04.7a.40.73', power_draw_w: 38.92 } },
  { file: 'gpu-exporter-windows-rtx2080super-591.86.txt', state: 'load', expect: { memory_used_mib: 1296, utilization_gpu_pct: 7, power_draw_w: 97.43 } },
];

function readCapture(file: string, state: string, stripUnits: boolean): { rows: GpuRow[]; invalid: number; garbage: number } {
  const sections = readCaptureSections(fixturePath('nvidia-smi', file));
  const help = parseHelpQueryGpu(section(sections, 'capabilities :: help-query-gpu'));
  const reader = createCsvReader(help);
  const rows: GpuRow[] = [];
  let invalid = 0;
  let garbage = 0;
  for (const line of section(sections, `${state} :: query-gpu`).split('\n').filter((l) => l.trim())) {
    // nounits output: the same cells without their " MiB", " W", " %" suffixes.
    const parsed = reader.readLine(stripUnits ? line.replace(/ (MiB|W|MHz|%|C|us|KiB)(?=,|$)/g, '') : line);
    if (parsed.kind === 'row') [rows.length, invalid] = [rows.push(parsed.row), invalid + parsed.invalidCells];
    if (parsed.kind === 'garbage') garbage++;
  }
  return { rows, invalid, garbage };
}

describe('query-gpu CSV of every capture', () => {
  for (const c of CASES) {
    for (const stripUnits of [false, true]) {
      it(`${c.file} ${c.state} (${stripUnits ? 'nounits' : 'with units'})`, () => {
        const { rows, invalid, garbage } = readCapture(c.file, c.state, stripUnits);
        expect(rows).toHaveLength(1);
        expect(garbage).toBe(0);
        expect(invalid).toBe(0);
        const gpu = toGpuSample(rows[0] as GpuRow);
        expect(gpu.uuid).toBe('GPU-00000000-0000-0000-0000-000000000000');
        expect(gpu.index).toBe(0);
        expect(gpu).toMatchObject(c.expect);
      });
    }
  }
});

describe('CSV reader robustness', () => {
  const reader = () => createCsvReader(null);
  it('maps aliases and old names by header and keeps absent tokens null', () => {
    const r = reader();
    expect(r.readLine('gpu_uuid, index, clocks_throttle_reasons.active, power.draw [W], utilization.gpu [%], fan.speed [%]').kind).toBe('header');
    const line = r.readLine('GPU-a, 3, 0x0000000000000004, [Insufficient Permissions], [Not Supported], [Requested functionality has been deprecated]');
    expect(line.kind).toBe('row');
    if (line.kind !== 'row') return;
    expect(toGpuSample(line.row)).toMatchObject({ uuid: 'GPU-a', index: 3, throttle_reasons: '0x0000000000000004', power_draw_w: null, utilization_gpu_pct: null, fan_speed_pct: null });
  });
  it('counts unreadable cells and wrong-width lines without losing the row or the next one', () => {
    const r = reader();
    r.readLine('uuid, index, temperature.gpu, memory.total [MiB]');
    const bad = r.readLine('GPU-a, 0, hot!, 81559 MiB');
    expect(bad.kind === 'row' && bad.invalidCells).toBe(1);
    expect(bad.kind === 'row' && toGpuSample(bad.row).temperature_c).toBeNull();
    expect(r.readLine('Unable to determine the device handle for GPU0000:3B:00.0: Unknown Error').kind).toBe('garbage');
    const good = r.readLine('GPU-b, 1, 40, 40960');
    expect(good.kind === 'row' && toGpuSample(good.row).memory_total_mib).toBe(40960);
  });
  it('refuses rows before a header (a header-less CSV cannot be read safely)', () => {
    expect(reader().readLine('GPU-a, 0, 41').kind).toBe('garbage');
  });
  it('converts GiB and mW cells into MiB and W', () => {
    const r = reader();
    r.readLine('uuid, memory.total, power.draw');
    const row = r.readLine('GPU-a, 80 GiB, 69850 mW');
    expect(row.kind === 'row' && toGpuSample(row.row)).toMatchObject({ memory_total_mib: 81920, power_draw_w: 69.85 });
  });
});

describe('field discovery from --help-query-gpu', () => {
  const help = (name: string) => parseHelpQueryGpu(readFileSync(fixturePath('nvidia-smi', name), 'utf8'));
  it('reads the older help list (115 properties) and asks for the throttle-reason name it knows', () => {
    const groups = help('gpu-exporter-help-query-gpu.txt');
    expect(groups).toHaveLength(115);
    expect(isUsableHelp(groups)).toBe(true);
    const fields = selectQueryFields(groups);
    expect(fields).toContain('clocks_throttle_reasons.active');
    expect(fields).not.toContain('clocks_event_reasons.active');
    expect(fields).toContain('power.draw');
    expect(fields).not.toContain('power.draw.average');
    expect(fields).not.toContain('compute_cap');
  });
  it('reads the 610.57.04 list with aliases and asks for the renamed fields once', () => {
    const groups = help('gpu-exporter-help-query-gpu-610.57.04.txt');
    expect(groups.length).toBeGreaterThan(230);
    expect(groups).toContainEqual(['clocks_event_reasons.active', 'clocks_throttle_reasons.active']);
    const fields = selectQueryFields(groups);
    expect(fields).toContain('clocks_event_reasons.active');
    expect(fields).not.toContain('clocks_throttle_reasons.active');
    expect(fields).toEqual(expect.arrayContaining(['power.draw.average', 'power.draw.instant', 'power.draw', 'compute_cap', 'remapped_rows.correctable']));
    expect(new Set(fields).size).toBe(fields.length);
  });
  it('reads the help section of every capture', () => {
    for (const file of CASES.map((c) => c.file).filter((f, i, a) => a.indexOf(f) === i)) {
      const groups = parseHelpQueryGpu(section(readCaptureSections(fixturePath('nvidia-smi', file)), 'capabilities :: help-query-gpu'));
      expect(isUsableHelp(groups), file).toBe(true);
      expect(selectQueryFields(groups), file).toContain('uuid');
    }
  });
  it('falls back to a built-in list when the help is unreadable', () => {
    const groups = parseHelpQueryGpu('Segmentation fault\n');
    expect(isUsableHelp(groups)).toBe(false);
    const fields = selectQueryFields(null);
    expect(fields).toEqual(expect.arrayContaining(['uuid', 'index', 'memory.total', 'power.draw', 'clocks_throttle_reasons.active']));
  });
});
