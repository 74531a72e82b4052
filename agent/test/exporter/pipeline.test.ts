import { ingestCodec } from '@gpuoptimizer/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline.js';
import { waitFor } from './fake_collector.js';
import { fakeSampler } from './fake_sampler.js';

const pipelines: Pipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.shutdown(0);
});

function setup(behave?: Parameters<typeof fakeSampler>[1], sampleTimeoutMs?: number) {
  const committed: { bytes: Uint8Array; tsMs: number }[] = [];
  const notified = { n: 0 };
  const sampler = fakeSampler('host-p', behave);
  const pipeline = new Pipeline({
    sampler,
    buffer: { commit: (items) => (committed.push(...items), items.length) },
    exporter: { notify: () => notified.n++ },
    intervalMs: 20,
    log: () => {},
    ...(sampleTimeoutMs ? { sampleTimeoutMs } : {}),
  });
  pipelines.push(pipeline);
  return { committed, notified, sampler, pipeline };
}

describe('pipeline', () => {
  it('commits one encoded sample per interval and tells the exporter', async () => {
    const { committed, notified, pipeline } = setup();
    pipeline.start();
    await waitFor(() => committed.length >= 5, 2000, 'five samples');
    const first = ingestCodec().decodeSample(committed[0]!.bytes);
    expect(first.host.id).toBe('host-p');
    expect(first.ts_unix_ms).toBe(committed[0]!.tsMs);
    expect(notified.n).toBeGreaterThanOrEqual(5);
  });

  it('keeps sampling after failures and counts them', async () => {
    const { committed, pipeline } = setup((n) => (n % 2 === 0 ? 'fail' : 'ok'));
    pipeline.start();
    await waitFor(() => committed.length >= 4, 2000, 'samples between failures');
    expect(pipeline.status().sample_errors).toBeGreaterThanOrEqual(3);
  });

  it('skips ticks while a sample hangs, abandons it after its time-out, and goes on', async () => {
    const { committed, pipeline } = setup((n) => (n === 1 ? 10_000 : 'ok'), 150);
    pipeline.start();
    await waitFor(() => committed.length >= 3, 2000, 'samples after the hung one');
    const st = pipeline.status();
    expect(st.skipped_ticks).toBeGreaterThan(0);
    expect(st.sample_errors).toBe(1);
  });

  it('on shutdown stops sampling and lets a sample in progress commit', async () => {
    const { committed, sampler, pipeline } = setup(() => 100);
    pipeline.start();
    await new Promise((r) => setTimeout(r, 30));
    await pipeline.shutdown(1000);
    expect(committed.length).toBe(1);
    const calls = sampler.calls;
    await new Promise((r) => setTimeout(r, 100));
    expect(sampler.calls).toBe(calls);
  });
});
