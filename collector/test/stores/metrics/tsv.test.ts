// TSV rows reach ClickHouse intact whatever the strings hold: tabs, newlines, backslashes, quotes.
import { describe, expect, it } from 'vitest';
import { encodeSamples, RAW_COLUMN_ORDER } from '../../../src/stores/metrics/tsv.js';

describe('encodeSamples', () => {
  const sample = {
    ts_unix_ms: 1_700_000_000_123, agent: { id: 'a', version: 'v' }, cloud: null,
    host: { id: 'h\t1', hostname: 'x', os: 'o', cpu_model: 'c', cpu_cores: 1, memory_total_mib: 1 },
    processes: [{ gpu_uuid: 'GPU-\\weird\n', pid: 1, name: 'p', used_memory_mib: null }],
    gpus: [{
      uuid: 'GPU-\\weird\n', index: 3, name: 'n', serial: null, pci_bus_id: null, driver_version: null, mig_mode: null,
      utilization_gpu_pct: null, utilization_memory_pct: 0, memory_total_mib: 81559, memory_used_mib: 12.5, temperature_c: 40,
      power_draw_w: NaN, power_limit_w: null, sm_clock_mhz: null, mem_clock_mhz: null, pstate: "P0'; DROP TABLE x; --",
      fan_speed_pct: null, ecc_errors_uncorrected: null, throttle_reasons: null,
    }],
  };

  it('writes one line per GPU per sample with every column, escaping and NULLs in place', () => {
    const { tsv, rows } = encodeSamples('usr_1', 'agent\t1', 9, [sample]);
    expect(rows).toBe(1);
    const cells = tsv.trimEnd().split('\t');
    expect(cells).toHaveLength(RAW_COLUMN_ORDER.length);
    const at = (c: (typeof RAW_COLUMN_ORDER)[number]) => cells[RAW_COLUMN_ORDER.indexOf(c)];
    expect(at('gpu_uuid')).toBe('GPU-\\\\weird\\n');
    expect(at('host_id')).toBe('h\\t1');
    expect(at('agent_id')).toBe('agent\\t1');
    expect(at('utilization_gpu_pct')).toBe('\\N'); // unknown stays NULL
    expect(at('utilization_memory_pct')).toBe('0'); // zero stays zero
    expect(at('power_draw_w')).toBe('\\N'); // NaN is not a reading
    expect(at('pstate')).toBe("P0'; DROP TABLE x; --");
    expect(at('process_count')).toBe('1');
    expect(at('ts')).toBe('1700000000123');
  });

  it('leaves out the rows the store already holds', () => {
    expect(encodeSamples('t', 'a', 1, [sample], () => true)).toEqual({ tsv: '', rows: 0 });
  });
});
