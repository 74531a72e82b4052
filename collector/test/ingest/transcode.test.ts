// The wire-to-rows transcoder must agree with the reference path (protobufjs decode, then
// encodeSamples) on every batch, and refuse malformed bytes with a WireError, never a crash.
import { describe, expect, it } from 'vitest';
import { ingestCodec, type WireSample } from '@gpuoptimizer/shared';
import { transcodeBatch, WireError } from '../../src/ingest/transcode.js';
import { encodeSamples } from '../../src/stores/metrics/tsv.js';

const codec = ingestCodec();
const NOW = Date.UTC(2026, 11, 4, 12);
const LIMITS = { maxSamplesPerBatch: 1000, maxGpusPerSample: 64, maxAgeMs: 30 * 86_400_000, maxFutureMs: 300_000 };

/** A deterministic pseudo-random sample with nulls, zeros, odd strings and processes. */
function sample(k: number, rnd: () => number): WireSample {
  const maybe = (v: number) => (rnd() < 0.2 ? null : rnd() < 0.1 ? 0 : v);
  return {
    ts_unix_ms: NOW - Math.floor(rnd() * 3_600_000),
    agent: { id: 'ag', version: '1' },
    host: { id: `host-${k % 3}\t"x"`, hostname: 'h', os: 'o', cpu_model: 'c', cpu_cores: 8, memory_total_mib: 1024 },
    cloud: k % 2 ? { provider: 'aws', instance_id: 'i', instance_type: 't', region: 'r', zone: 'z', lifecycle: 'spot' } : null,
    gpus: Array.from({ length: 1 + (k % 4) }, (_, i) => ({
      uuid: `GPU-${k % 5}-${i}${i === 2 ? '\\n' : ''}`, index: i, name: 'NVIDIA H100', serial: null, pci_bus_id: null, driver_version: null, mig_mode: null,
      utilization_gpu_pct: maybe(Math.round(rnd() * 100)), utilization_memory_pct: maybe(rnd() * 100), memory_total_mib: 81559,
      memory_used_mib: maybe(Math.round(rnd() * 81559)), temperature_c: maybe(30 + Math.round(rnd() * 50)), power_draw_w: maybe(rnd() * 700),
      power_limit_w: maybe(700), sm_clock_mhz: maybe(1980), mem_clock_mhz: maybe(2619), pstate: rnd() < 0.2 ? null : 'P0',
      fan_speed_pct: maybe(40), ecc_errors_uncorrected: maybe(0), throttle_reasons: null, energy_consumption_mj: maybe(rnd() * 1e9),
    })),
    processes: Array.from({ length: k % 3 }, (_, p) => ({ gpu_uuid: `GPU-${k % 5}-0`, pid: 100 + p, name: 'python, train.py', used_memory_mib: null })),
  };
}

describe('transcodeBatch', () => {
  it('writes exactly the rows the reference decoder and encoder write, for 200 random batches', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let b = 1; b <= 200; b++) {
      const samples = Array.from({ length: 1 + (b % 7) }, (_, k) => sample(b + k, rnd));
      const bytes = codec.encodeBatch({ seq: b, agent_id: `agent-${b % 3}`, created_unix_ms: NOW, samples, resend: b % 5 === 0 });
      const read = transcodeBatch(bytes, LIMITS, NOW);
      if (!read.ok) throw new Error(read.reason);
      const decoded = codec.decodeBatch(bytes);
      const reference = encodeSamples('usr_t', decoded.agent_id, decoded.seq, decoded.samples);
      expect(read.batch.encode('usr_t')).toEqual(reference);
      expect(read.batch).toMatchObject({ seq: b, agentId: `agent-${b % 3}`, resend: b % 5 === 0, rows: reference.rows, droppedSamples: 0 });
      expect(codec.decodeSample(read.batch.newest!).ts_unix_ms).toBe(Math.max(...samples.map((s) => s.ts_unix_ms)));
    }
  });

  it('drops samples outside the retention window and leaves out rows the store holds', () => {
    const rnd = () => 0.5;
    const old = { ...sample(1, rnd), ts_unix_ms: NOW - 31 * 86_400_000 };
    const bytes = codec.encodeBatch({ seq: 1, agent_id: 'a', created_unix_ms: NOW, samples: [old, sample(2, rnd)] });
    const read = transcodeBatch(bytes, LIMITS, NOW);
    if (!read.ok) throw new Error(read.reason);
    expect(read.batch.droppedSamples).toBe(1);
    expect(read.batch.rows).toBe(3);
    expect(read.batch.encode('t', (uuid) => uuid.endsWith('-0')).rows).toBe(2);
  });

  it('rejects batches that break the rules, with the reason', () => {
    const rnd = () => 0.5;
    const many = codec.encodeBatch({ seq: 1, agent_id: 'a', created_unix_ms: NOW, samples: Array.from({ length: 1001 }, () => sample(1, rnd)) });
    expect(transcodeBatch(many, LIMITS, NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('limit is 1000') });
    const noAgent = codec.encodeBatch({ seq: 1, agent_id: '', created_unix_ms: NOW, samples: [] });
    expect(transcodeBatch(noAgent, LIMITS, NOW)).toMatchObject({ ok: false, reason: 'agent_id is required' });
    const noUuid = { ...sample(1, rnd), gpus: [{ ...sample(1, rnd).gpus[0]!, uuid: '' }] };
    expect(transcodeBatch(codec.encodeBatch({ seq: 2, agent_id: 'a', created_unix_ms: NOW, samples: [noUuid] }), LIMITS, NOW))
      .toMatchObject({ ok: false, reason: 'every GPU needs a uuid' });
  });

  it('throws WireError on malformed bytes, whatever they are', () => {
    const good = codec.encodeBatch({ seq: 9, agent_id: 'a', created_unix_ms: NOW, samples: [sample(1, () => 0.3)] });
    const cases = [Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), good.subarray(0, good.length - 3), Buffer.from([0x1a, 0x7f, 0x01]), Buffer.from([0x0f])];
    for (const bytes of cases) expect(() => transcodeBatch(bytes, LIMITS, NOW)).toThrow(WireError);
    let seed = 3;
    for (let i = 0; i < 500; i++) {
      const junk = Buffer.from(good);
      for (let j = 0; j < 5; j++) junk[(seed = (seed * 48271) % 2147483647) % junk.length] = seed & 0xff;
      try {
        const r = transcodeBatch(junk, LIMITS, NOW);
        if (r.ok) r.batch.encode('t');
      } catch (err) {
        expect(err).toBeInstanceOf(WireError);
      }
    }
  });
});
