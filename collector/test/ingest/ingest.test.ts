// The ingest receiver over real gRPC into real chDB: auth, acks after durable writes,
// exactly-once on re-send, rejection of invalid batches, garbage and oversized frames.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, ingestCodec, type WireAck, type WireBatch, type WireSample } from '@gpuoptimizer/shared';
import { IngestServer } from '../../src/ingest/server.js';
import { openMetricsStore, type MetricsReader, type MetricsStore } from '../../src/stores/metrics/index.js';
import type { ApiKeyPrincipal, HostReport, MetricsWriter } from '../../src/ports.js';

const codec = ingestCodec();
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const KEYS: Record<string, ApiKeyPrincipal> = {
  'agent-key': { tenantId: 'usr_t1', keyId: 'key_1', scope: 'agent' },
  'api-key': { tenantId: 'usr_t1', keyId: 'key_2', scope: 'api' },
};

function sample(tsMs: number, gpus = 2): WireSample {
  return {
    ts_unix_ms: tsMs,
    agent: { id: 'ag-1', version: '0.1.0' },
    host: { id: 'host-1', hostname: 'gpu-07', os: 'Ubuntu', cpu_model: 'x', cpu_cores: 8, memory_total_mib: 1024 },
    cloud: null,
    gpus: Array.from({ length: gpus }, (_, i) => ({
      uuid: `GPU-${i}`, index: i, name: 'H100', serial: null, pci_bus_id: null, driver_version: null, mig_mode: null,
      utilization_gpu_pct: 50, utilization_memory_pct: null, memory_total_mib: 81559, memory_used_mib: 10, temperature_c: 40,
      power_draw_w: 100, power_limit_w: 700, sm_clock_mhz: null, mem_clock_mhz: null, pstate: null, fan_speed_pct: null,
      ecc_errors_uncorrected: null, throttle_reasons: null,
    })),
    processes: [],
  };
}

function batch(seq: number, n: number, agentId = 'ag-1'): WireBatch {
  return { seq, agent_id: agentId, created_unix_ms: NOW, samples: Array.from({ length: n }, (_, k) => sample(NOW - 60_000 + seq * 1000 + k)) };
}

let dir: string;
let store: MetricsStore;
let reader: MetricsReader;
let server: IngestServer;
let failWrites = false;
const reports: HostReport[] = [];

/** Opens a stream, sends the batches, collects acks until the server ends or fails the stream. */
function exchange(port: number, key: string | null, frames: Buffer[]): Promise<{ acks: WireAck[]; status: grpc.status; details: string }> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  const md = new grpc.Metadata();
  if (key) md.set('authorization', `Bearer ${key}`);
  const call = client.makeBidiStreamRequest<Buffer, WireAck>('/gpuoptimizer.v1.Ingest/Stream', (b) => b, (b) => codec.decodeAck(b), md);
  const acks: WireAck[] = [];
  return new Promise((resolve) => {
    call.on('data', (a: WireAck) => acks.push(a));
    call.on('status', (s: grpc.StatusObject) => {
      client.close();
      resolve({ acks, status: s.code, details: s.details });
    });
    call.on('error', () => undefined);
    for (const f of frames) call.write(f);
    call.end();
  });
}

const countRows = async (tenant: string) =>
  (await reader.series(tenant, 'GPU-0', new Date(NOW - 3_600_000), new Date(NOW + 3_600_000), 'minute')).reduce((a, p) => a + p.samples, 0);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpuopt-ingest-'));
  ({ store, reader } = await openMetricsStore({ dataDir: dir, database: 'ingest_test', rawTtlDays: 30, rollupTtlDays: 400 }));
  const metrics: MetricsWriter = {
    writeRows: (t, b) => (failWrites ? Promise.reject(new Error('ECONNREFUSED store down')) : store.writeRows(t, b)),
  };
  server = new IngestServer({
    auth: { authenticateKey: (k) => KEYS[k] ?? null },
    metrics,
    fleet: { recordReport: (r) => void reports.push(r) },
    clock: { now: () => new Date(NOW) },
    limits: { maxSamplesPerBatch: 100, maxGpusPerSample: 64, maxAgeMs: 30 * 86_400_000, maxFutureMs: 300_000 },
    log: () => undefined,
  });
  await server.start({ host: '127.0.0.1', port: 0, maxMessageBytes: 256 * 1024 });
});
afterAll(async () => {
  await server.shutdown(2000);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest', () => {
  it('acks each batch STORED after the write, and a re-sent batch is stored once', async () => {
    const frames = [batch(1, 5), batch(2, 5)].map((b) => codec.encodeBatch(b));
    const first = await exchange(server.port, 'agent-key', frames);
    expect(first.status).toBe(grpc.status.OK);
    expect(first.acks.map((a) => [a.seq, a.status, a.stored_samples]).sort()).toEqual([[1, AckStatus.STORED, 10], [2, AckStatus.STORED, 10]]);
    const again = await exchange(server.port, 'agent-key', [codec.encodeBatch({ ...batch(2, 5), resend: true })]);
    expect(again.acks).toEqual([expect.objectContaining({ seq: 2, status: AckStatus.STORED })]);
    expect(await countRows('usr_t1')).toBe(10);
    expect(reports.at(-1)).toMatchObject({ tenantId: 'usr_t1', agentId: 'ag-1', host: { hostname: 'gpu-07' } });
  });

  it('refuses a stream without a key, with an unknown key, and with a non-agent key', async () => {
    const frames = [codec.encodeBatch(batch(3, 1))];
    expect((await exchange(server.port, null, frames)).status).toBe(grpc.status.UNAUTHENTICATED);
    expect((await exchange(server.port, 'nope', frames)).status).toBe(grpc.status.UNAUTHENTICATED);
    const api = await exchange(server.port, 'api-key', frames);
    expect(api.status).toBe(grpc.status.PERMISSION_DENIED);
    expect(api.acks).toEqual([]);
  });

  it('rejects a permanently invalid batch with a reason and keeps the stream', async () => {
    const r = await exchange(server.port, 'agent-key', [codec.encodeBatch(batch(4, 101)), codec.encodeBatch(batch(5, 1))]);
    const bySeq = new Map(r.acks.map((a) => [a.seq, a]));
    expect(bySeq.get(4)).toMatchObject({ status: AckStatus.REJECTED, error: expect.stringContaining('limit is 100') });
    expect(bySeq.get(5)).toMatchObject({ status: AckStatus.STORED });
  });

  it('drops samples outside the retention window and counts them', async () => {
    const b = batch(6, 2);
    b.samples.push(sample(NOW - 31 * 86_400_000));
    const r = await exchange(server.port, 'agent-key', [codec.encodeBatch(b)]);
    expect(r.acks[0]).toMatchObject({ seq: 6, status: AckStatus.STORED, stored_samples: 4 });
    expect(server.counters.samples_dropped).toBeGreaterThanOrEqual(1);
  });

  it('answers garbage bytes and oversized frames with a status and goes on serving', async () => {
    const garbage = await exchange(server.port, 'agent-key', [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02])]);
    expect(garbage.status).toBe(grpc.status.INVALID_ARGUMENT);
    const huge = await exchange(server.port, 'agent-key', [Buffer.alloc(512 * 1024, 1)]);
    expect(huge.status).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const ok = await exchange(server.port, 'agent-key', [codec.encodeBatch(batch(7, 1))]);
    expect(ok.acks).toEqual([expect.objectContaining({ seq: 7, status: AckStatus.STORED })]);
  });

  it('acks nothing and ends the stream UNAVAILABLE while the store is down', async () => {
    failWrites = true;
    const down = await exchange(server.port, 'agent-key', [codec.encodeBatch(batch(8, 1))]);
    failWrites = false;
    expect(down.status).toBe(grpc.status.UNAVAILABLE);
    expect(down.acks).toEqual([]);
    const up = await exchange(server.port, 'agent-key', [codec.encodeBatch({ ...batch(8, 1), resend: true })]);
    expect(up.acks).toEqual([expect.objectContaining({ seq: 8, status: AckStatus.STORED })]);
  });
});
