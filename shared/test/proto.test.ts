// The wire codec: what the agent sends is what the collector reads — absent readings stay null
// (never 0), zero stays zero, 64-bit integers come back as numbers, and JSON shows all of it.
import { describe, expect, it } from 'vitest';
import { ingestCodec, sampleToWire, type SampleDocument } from '../src/index.js';

const doc: SampleDocument = {
  ts: '2026-01-15T10:30:00.123Z',
  agent: { id: 'agt_1', version: '1.0.0' },
  host: { id: 'h1', hostname: 'gpu-07', os: 'Ubuntu 22.04', cpu_model: 'EPYC', cpu_cores: 96, memory_total_mib: 1_048_576 },
  cloud: { provider: 'aws', instance_id: 'i-0abc', instance_type: 'p4d.24xlarge', region: 'us-east-1', zone: 'us-east-1a', lifecycle: 'spot' },
  gpus: [{
    uuid: 'GPU-1', index: 0, name: 'NVIDIA A100-SXM4-40GB', serial: null, pci_bus_id: '00000000:10:1C.0', driver_version: '535.104.05', mig_mode: 'Enabled',
    utilization_gpu_pct: null, utilization_memory_pct: 0, memory_total_mib: 40960, memory_used_mib: 31000, temperature_c: 61, power_draw_w: 310.5,
    power_limit_w: 400, sm_clock_mhz: 1410, mem_clock_mhz: 1215, pstate: 'P0', fan_speed_pct: null, ecc_errors_uncorrected: 0, throttle_reasons: '0x0',
    mig_devices: [{ uuid: 'MIG-1', index: 0, profile: '3g.20gb', memory_total_mib: 20096, memory_used_mib: null }],
  }],
  processes: [{ gpu_uuid: 'GPU-1', pid: 4242, name: 'python train.py, --epochs 3', used_memory_mib: null }],
};

describe('ingest codec', () => {
  it('round-trips the sample document with nulls, zeros and 64-bit numbers intact', () => {
    const codec = ingestCodec();
    const back = codec.decodeSample(codec.encodeSample(sampleToWire(doc)));
    expect(back.ts_unix_ms).toBe(Date.parse(doc.ts));
    expect(back.host).toMatchObject({ memory_total_mib: 1_048_576, kernel: null });
    expect(back.cloud).toEqual(doc.cloud);
    expect(back.gpus[0]).toMatchObject({ utilization_gpu_pct: null, utilization_memory_pct: 0, serial: null, fan_speed_pct: null, ecc_errors_uncorrected: 0, mig_mode: 'Enabled' });
    expect(back.gpus[0]?.mig_devices).toEqual([{ uuid: 'MIG-1', index: 0, profile: '3g.20gb', memory_total_mib: 20096, memory_used_mib: null }]);
    expect(back.processes).toEqual(doc.processes);
    const json = JSON.parse(JSON.stringify(back));
    expect(json.host.memory_total_mib).toBe(1_048_576); // a number, not a string
    expect(json.gpus[0].utilization_gpu_pct).toBeNull(); // present, and null
  });

  it('decodes a batch with its seq and resend flag', () => {
    const codec = ingestCodec();
    const b = codec.decodeBatch(codec.encodeBatch({ seq: 2 ** 40, agent_id: 'agt_1', created_unix_ms: 1, samples: [sampleToWire(doc)], resend: true }));
    expect(b).toMatchObject({ seq: 2 ** 40, agent_id: 'agt_1', resend: true });
    expect(b.samples).toHaveLength(1);
  });
});
