/** A fake `Sampler` for the agent's own tests: numbered, distinct sample documents. */
import { ingestCodec, sampleToWire, type SampleDocument } from '@gpuoptimizer/shared';
import type { GpuSourceStatus, Sampler } from '../../src/scrapers/types.js';

/** A sample document for host `hostId` at epoch ms `tsMs`. */
export function fakeDoc(hostId: string, tsMs: number): SampleDocument {
  return {
    ts: new Date(tsMs).toISOString(),
    agent: { id: 'agt_test', version: '0.0.0-test' },
    host: { id: hostId, hostname: 'test-host', os: 'Linux', cpu_model: 'Test CPU', cpu_cores: 4, memory_total_mib: 8192 },
    cloud: null,
    gpus: [
      {
        uuid: 'GPU-test-0', index: 0, name: 'NVIDIA Test', serial: null, pci_bus_id: null, driver_version: '535.0',
        mig_mode: null, utilization_gpu_pct: 50, utilization_memory_pct: null, memory_total_mib: 40960, memory_used_mib: 1000,
        temperature_c: 40, power_draw_w: null, power_limit_w: null, sm_clock_mhz: null, mem_clock_mhz: null, pstate: 'P0',
        fan_speed_pct: null, ecc_errors_uncorrected: null, throttle_reasons: null,
      },
    ],
    processes: [],
  };
}

/** Encodes a document the way the pipeline commits it. */
export function encodeDoc(doc: SampleDocument): { bytes: Uint8Array; tsMs: number } {
  return { bytes: ingestCodec().encodeSample(sampleToWire(doc)), tsMs: Date.parse(doc.ts) };
}

/** A Sampler whose every sample has a fresh millisecond timestamp; optionally slow or failing. */
export function fakeSampler(hostId: string, behave: (n: number) => 'ok' | 'fail' | number = () => 'ok'): Sampler & { calls: number } {
  let lastTs = 0;
  const s = {
    calls: 0,
    async start() {},
    async sample(now?: Date) {
      const n = ++s.calls;
      const b = behave(n);
      if (b === 'fail') throw new Error(`sample ${n} failed on demand`);
      if (typeof b === 'number') await new Promise((r) => setTimeout(r, b));
      lastTs = Math.max(lastTs + 1, (now ?? new Date()).getTime());
      return fakeDoc(hostId, lastTs);
    },
    status(): GpuSourceStatus {
      return { state: 'ok', message: null, gpus: 1, restarts: 0, parse_errors: 0, stale_kills: 0, last_row_at: null };
    },
    async shutdown() {},
  };
  return s;
}
