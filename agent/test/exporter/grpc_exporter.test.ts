import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, status } from '@grpc/grpc-js';
import { ingestCodec } from '@gpuoptimizer/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { SampleBuffer } from '../../src/buffer/sample_buffer.js';
import { encodeBatchFrame } from '../../src/exporter/batch_frame.js';
import { GrpcExporter, type ExporterOptions } from '../../src/exporter/grpc_exporter.js';
import type { LogFn } from '../../src/log.js';
import { startFakeCollector, waitFor, type FakeCollector } from './fake_collector.js';
import { encodeDoc, fakeDoc } from './fake_sampler.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function newBuffer(): SampleBuffer {
  const dir = mkdtempSync(join(tmpdir(), 'gpuopt-exp-'));
  const buf = SampleBuffer.open({ path: join(dir, 'buf.db'), maxBytes: 64 << 20, maxAgeMs: 7 * 86_400_000, log: () => {} });
  cleanup.push(() => buf.close());
  return buf;
}

let ts = Date.now();
function commit(buf: SampleBuffer, n: number, host = 'host-a'): void {
  buf.commit(Array.from({ length: n }, () => encodeDoc(fakeDoc(host, ++ts))));
}

async function collector(opts: Parameters<typeof startFakeCollector>[0] = {}): Promise<FakeCollector> {
  const fc = await startFakeCollector(opts);
  cleanup.push(() => fc.stop());
  return fc;
}

function exporter(fc: FakeCollector, buffer: SampleBuffer, extra: Partial<ExporterOptions> = {}): GrpcExporter {
  const exp = new GrpcExporter({
    target: fc.target, credentials: credentials.createInsecure(), buffer, agentId: 'agt_test', log: () => {},
    maxBatchSamples: 10, batchDelayMs: 20, backoff: { initialMs: 20, maxMs: 200, random: () => 0.5 }, ...extra,
  });
  cleanup.push(() => exp.shutdown(0));
  return exp;
}

describe('batch frame', () => {
  it('is a Batch message the shared codec decodes field for field', () => {
    const codec = ingestCodec();
    const docs = [fakeDoc('h', 1_760_000_000_123), fakeDoc('h', 1_760_000_000_456)];
    const frame = encodeBatchFrame({ seq: 1_760_000_000_000_000 + 7, agentId: 'agt_é', createdMs: 1_760_000_000_999, samples: 2, sampleBytes: docs.map((d) => Buffer.from(encodeDoc(d).bytes)) });
    const batch = codec.decodeBatch(frame);
    expect(batch.seq).toBe(1_760_000_000_000_007);
    expect(batch.agent_id).toBe('agt_é');
    expect(batch.created_unix_ms).toBe(1_760_000_000_999);
    expect(batch.samples.map((s) => s.ts_unix_ms)).toEqual([1_760_000_000_123, 1_760_000_000_456]);
    expect(batch.samples[0]?.gpus[0]?.uuid).toBe('GPU-test-0');
  });
});

describe('grpc exporter', () => {
  it('sends batches by count, deletes each only on its ack, and sends the API key as a bearer token', async () => {
    const fc = await collector({ apiKey: 'k-123456' });
    const buf = newBuffer();
    commit(buf, 35);
    const exp = exporter(fc, buf, { apiKey: 'k-123456' });
    exp.start();
    await waitFor(() => buf.status().buffered_samples === 0, 5000, 'all acked');
    expect(fc.storedSamples.size).toBe(35);
    expect(fc.received.map((b) => b.samples.length)).toEqual([10, 10, 10, 5]);
    expect(buf.status()).toMatchObject({ produced_samples: 35, acked_samples: 35, pending_batches: 0 });
    expect(exp.status().state).toBe('connected');
  });

  it('keeps a batch whose ack never came, and re-sends it with the same seq on the next stream', async () => {
    let first = true;
    const fc = await collector({ onBatch: () => (first ? ((first = false), { delayMs: 60_000 }) : 'store') });
    const buf = newBuffer();
    commit(buf, 5);
    const exp = exporter(fc, buf, { ackTimeoutMs: 150 });
    exp.start();
    await waitFor(() => buf.status().buffered_samples === 0, 5000, 'resent batch acked');
    expect(fc.received.length).toBe(2);
    expect(fc.received[1]?.seq).toBe(fc.received[0]?.seq);
    expect(fc.streamTimes.length).toBe(2);
  });

  it('retries UNAVAILABLE with growing, capped backoff and then drains everything', async () => {
    const fc = await collector({ onStream: (n) => (n <= 4 ? { code: status.UNAVAILABLE, details: 'down for maintenance' } : undefined) });
    const buf = newBuffer();
    commit(buf, 25);
    const exp = exporter(fc, buf, { backoff: { initialMs: 40, maxMs: 120, random: () => 1 } });
    exp.start();
    await waitFor(() => buf.status().buffered_samples === 0, 5000, 'drained after outage');
    const gaps = fc.streamTimes.slice(1).map((t, i) => t - (fc.streamTimes[i] ?? 0));
    // 40, 80, 120 (capped), 120 ms: each wait at least its step, never past the cap by much.
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(115);
    expect(gaps[3]).toBeLessThan(400);
    expect(fc.storedSamples.size).toBe(25);
    expect(buf.status().last_error).toContain('UNAVAILABLE');
  });

  it('stops sending on a bad key, says so loudly, and keeps every sample', async () => {
    const fc = await collector({ apiKey: 'right-key' });
    const buf = newBuffer();
    commit(buf, 12);
    const lines: string[] = [];
    const log: LogFn = (level, msg) => lines.push(`${level} ${msg}`);
    const exp = exporter(fc, buf, { apiKey: 'wrong-key', log });
    exp.start();
    await waitFor(() => exp.status().state === 'unauthenticated', 5000, 'unauthenticated');
    await new Promise((r) => setTimeout(r, 300));
    expect(fc.streamTimes.length).toBe(1);
    expect(lines.some((l) => l.startsWith('error') && l.includes('REFUSED THE API KEY'))).toBe(true);
    expect(lines.join('\n')).not.toContain('wrong-key');
    expect(buf.status()).toMatchObject({ buffered_samples: 12, exporter_state: 'unauthenticated', acked_samples: 0 });
    expect(buf.status().last_error).toContain('UNAUTHENTICATED');
  });

  it('drops and counts a batch the collector rejects, and delivers the rest', async () => {
    let n = 0;
    const fc = await collector({ onBatch: () => (++n === 2 ? 'reject' : 'store') });
    const buf = newBuffer();
    commit(buf, 30);
    const exp = exporter(fc, buf, { maxInFlight: 1 });
    exp.start();
    await waitFor(() => buf.status().buffered_samples === 0, 5000, 'all settled');
    expect(buf.status()).toMatchObject({ acked_samples: 20, dropped_samples: 10, rejected_batches: 1 });
    expect(fc.storedSamples.size).toBe(20);
  });

  it('isolates a batch that fails the whole stream with INVALID_ARGUMENT, drops only it', async () => {
    const poison = fakeDoc('poison-host', ++ts);
    const fc = await collector({
      onBatch: (b) => (b.samples.some((s) => s.host?.id === 'poison-host') ? { fail: status.INVALID_ARGUMENT, details: 'bad sample' } : 'store'),
    });
    const buf = newBuffer();
    commit(buf, 14);
    buf.commit([encodeDoc(poison)]);
    commit(buf, 15);
    const exp = exporter(fc, buf, { maxInFlight: 4 });
    exp.start();
    await waitFor(() => buf.status().buffered_samples === 0, 5000, 'all settled');
    expect(buf.status()).toMatchObject({ dropped_samples: 10, rejected_batches: 1, acked_samples: 20 });
    expect(fc.storedSamples.size).toBe(20);
  });

  it('delivers everything across a collector restart mid-stream', async () => {
    const fc = await collector({ onBatch: () => ({ delayMs: 5 }) });
    const buf = newBuffer();
    const exp = exporter(fc, buf, { maxInFlight: 4 });
    exp.start();
    const timer = setInterval(() => {
      commit(buf, 3);
      exp.notify();
    }, 5);
    await waitFor(() => fc.storedSamples.size >= 100, 5000, 'first deliveries');
    await fc.stop();
    await new Promise((r) => setTimeout(r, 150));
    await fc.restart();
    await waitFor(() => fc.storedSamples.size >= 400, 10_000, 'deliveries after restart');
    clearInterval(timer);
    await waitFor(() => buf.status().buffered_samples === 0, 10_000, 'drained');
    const st = buf.status();
    expect(st.acked_samples).toBe(st.produced_samples);
    expect(fc.storedSamples.size).toBe(st.produced_samples);
    expect(fc.streamTimes.length).toBeGreaterThan(1);
  });

  it('drains a backlog at full speed while new samples keep arriving', async () => {
    const fc = await collector();
    const buf = newBuffer();
    commit(buf, 5000);
    const exp = exporter(fc, buf, { maxBatchSamples: 200, batchDelayMs: 60_000, maxInFlight: 8 });
    exp.start();
    const timer = setInterval(() => commit(buf, 1), 2);
    const started = Date.now();
    await waitFor(() => fc.storedSamples.size >= 5000, 10_000, 'backlog drained');
    const elapsed = Date.now() - started;
    clearInterval(timer);
    // Full batches go at once: none of the backlog waited for the 60 s batch delay.
    expect(elapsed).toBeLessThan(5000);
    expect(fc.received.slice(0, 25).every((b) => b.samples.length === 200)).toBe(true);
    expect(buf.status().produced_samples).toBeGreaterThan(5000);
  });

  it('flushes on shutdown within its deadline, keeps what was not acked, and is idempotent', async () => {
    const fc = await collector({ onBatch: (b) => (b.samples.length === 10 ? 'store' : { delayMs: 60_000 }) });
    const buf = newBuffer();
    commit(buf, 24);
    const exp = exporter(fc, buf, { batchDelayMs: 60_000 });
    exp.start();
    await waitFor(() => buf.status().acked_samples === 20, 5000, 'full batches acked');
    const started = Date.now();
    await Promise.all([exp.shutdown(300), exp.shutdown(300)]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(exp.status().state).toBe('stopped');
    // The 4-sample tail was formed by the flush, sent, never acked: still buffered.
    expect(buf.status()).toMatchObject({ buffered_samples: 4, pending_batches: 1, exporter_state: 'stopped' });
  });
});
