import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SampleBuffer, type SampleBufferOptions } from '../../src/buffer/sample_buffer.js';
import { readBufferStatus } from '../../src/buffer/status.js';
import type { LogFn } from '../../src/log.js';

const DAY = 86_400_000;
let dir: string;
let logs: { level: string; msg: string }[];
const log: LogFn = (level, msg) => logs.push({ level, msg });

function clockAt(ms: number) {
  const clock = { ms, now: () => new Date(clock.ms) };
  return clock;
}

function open(extra: Partial<SampleBufferOptions> = {}): SampleBuffer {
  return SampleBuffer.open({ path: join(dir, 'buf.db'), maxBytes: 1 << 20, maxAgeMs: 7 * DAY, log, ...extra });
}

const T0 = Date.now();
const sample = (n: number, size = 10) => ({ bytes: Buffer.alloc(size, n % 256), tsMs: T0 + n });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpuopt-buf-'));
  logs = [];
});

describe('sample buffer', () => {
  it('deletes a batch only when it is acked, and acks are idempotent', () => {
    const buf = open();
    buf.commit([sample(1), sample(2), sample(3)]);
    const b = buf.formBatch('agt_1', 2, 1 << 20);
    expect(b?.samples).toBe(2);
    expect(buf.status().buffered_samples).toBe(3);
    expect(buf.readBatch(b!.seq)?.sampleBytes.map((x) => x[0])).toEqual([1, 2]);
    expect(buf.ack(b!.seq)).toBe(2);
    expect(buf.ack(b!.seq)).toBe(0);
    const st = buf.status();
    expect(st).toMatchObject({ produced_samples: 3, acked_samples: 2, buffered_samples: 1, dropped_samples: 0 });
    expect(st.last_ack_at).not.toBeNull();
    buf.close();
  });

  it('forms batches by count and by byte size, always at least one sample', () => {
    const buf = open();
    buf.commit([sample(1, 100), sample(2, 100), sample(3, 100)]);
    expect(buf.formBatch('a', 10, 150)?.samples).toBe(1);
    expect(buf.formBatch('a', 10, 50)?.samples).toBe(1);
    expect(buf.formBatch('a', 10, 1000)?.samples).toBe(1);
    expect(buf.formBatch('a', 10, 1000)).toBeNull();
    expect(buf.unbatched().count).toBe(0);
    buf.close();
  });

  it('reuses the same seq and members for an unacked batch after reopening, and seqs keep growing', () => {
    let buf = open();
    buf.commit([sample(1), sample(2), sample(3)]);
    const first = buf.formBatch('agt_1', 2, 1 << 20)!;
    buf.close();
    buf = open();
    const pending = buf.batchesAfter(0, 10);
    expect(pending).toEqual([first]);
    expect(buf.readBatch(first.seq)?.sampleBytes.map((x) => x[0])).toEqual([1, 2]);
    const second = buf.formBatch('agt_1', 10, 1 << 20)!;
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(buf.batchesAfter(first.seq, 10).map((b) => b.seq)).toEqual([second.seq]);
    buf.close();
  });

  it('keeps every counter across a reopen', () => {
    let buf = open();
    buf.commit([sample(1), sample(2), sample(3), sample(4)]);
    buf.ack(buf.formBatch('a', 2, 1 << 20)!.seq);
    buf.reject(buf.formBatch('a', 1, 1 << 20)!.seq, 'bad timestamp');
    buf.setAgentId('agt_x');
    buf.close();
    buf = open();
    expect(buf.agentId()).toBe('agt_x');
    expect(buf.status()).toMatchObject({
      produced_samples: 4,
      acked_samples: 2,
      dropped_samples: 1,
      rejected_batches: 1,
      buffered_samples: 1,
      last_error: expect.stringContaining('bad timestamp'),
    });
    buf.close();
    expect(readBufferStatus(join(dir, 'buf.db'))).toMatchObject({ produced_samples: 4, buffered_samples: 1 });
  });

  it('drops the oldest samples first when over the size bound, and counts them', () => {
    const buf = open({ maxBytes: 1000 });
    for (let i = 0; i < 15; i++) buf.commit([sample(i, 100)]);
    const st = buf.status();
    expect(st.buffered_samples).toBe(10);
    expect(st.dropped_samples).toBe(5);
    expect(st.produced_samples).toBe(15);
    const b = buf.formBatch('a', 100, 1 << 20)!;
    expect(buf.readBatch(b.seq)?.sampleBytes.map((x) => x[0])).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(logs.some((l) => l.level === 'warn' && l.msg.includes('dropped'))).toBe(true);
    buf.close();
  });

  it('drops a formed batch whole when its oldest sample falls off the bound', () => {
    const buf = open({ maxBytes: 500 });
    for (let i = 0; i < 4; i++) buf.commit([sample(i, 100)]);
    const b = buf.formBatch('a', 3, 1 << 20)!;
    buf.commit([sample(4, 100), sample(5, 100)]);
    expect(buf.readBatch(b.seq)).toBeNull();
    expect(buf.ack(b.seq)).toBe(0);
    expect(buf.status()).toMatchObject({ buffered_samples: 3, dropped_samples: 3, pending_batches: 0 });
    buf.close();
  });

  it('drops samples older than the age bound, checked on commit with an injected clock', () => {
    const clock = clockAt(T0 + 10 * DAY);
    const buf = open({ now: clock.now, ageCheckEveryMs: 0 });
    buf.commit([sample(1), sample(2)]); // 10 days before the clock
    expect(buf.status()).toMatchObject({ buffered_samples: 0, dropped_samples: 2, produced_samples: 2 });
    buf.commit([{ bytes: Buffer.alloc(5), tsMs: clock.ms - DAY }]);
    expect(buf.status().buffered_samples).toBe(1);
    clock.ms += 7 * DAY;
    expect(buf.enforceBounds()).toBe(1);
    expect(buf.status()).toMatchObject({ buffered_samples: 0, dropped_samples: 3 });
    buf.close();
  });

  it('sets a corrupt file aside, logs it, and starts a fresh buffer that works', () => {
    const path = join(dir, 'buf.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const buf = open();
    expect(readdirSync(dir).some((f) => f.startsWith('buf.db.corrupt-'))).toBe(true);
    expect(logs.some((l) => l.level === 'error' && l.msg.includes('corrupt'))).toBe(true);
    buf.commit([sample(1)]);
    expect(buf.ack(buf.formBatch('a', 10, 1 << 20)!.seq)).toBe(1);
    expect(buf.status()).toMatchObject({ produced_samples: 1, acked_samples: 1 });
    buf.close();
    expect(existsSync(path)).toBe(true);
  });

  it('sets the file aside and goes on when SQLite reports corruption while running', () => {
    const buf = open();
    buf.commit([sample(1), sample(2)]);
    const b = buf.formBatch('a', 10, 1 << 20)!;
    // SQLite's own error for a damaged page, injected: a real one hides behind the page cache.
    const stmts = (buf as unknown as { s: Record<string, { get: () => unknown }> }).s;
    stmts['getBatch']!.get = () => {
      throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    };
    expect(buf.readBatch(b.seq)).toBeNull();
    expect(readdirSync(dir).some((f) => f.startsWith('buf.db.corrupt-'))).toBe(true);
    expect(logs.some((l) => l.level === 'error' && l.msg.includes('corrupt while running'))).toBe(true);
    buf.commit([sample(3)]);
    const fresh = buf.formBatch('a', 10, 1 << 20)!;
    expect(fresh.seq).toBeGreaterThan(b.seq);
    expect(buf.ack(fresh.seq)).toBe(1);
    expect(buf.status()).toMatchObject({ produced_samples: 1, acked_samples: 1, buffered_samples: 0 });
    buf.close();
  });

  it('starts a fresh file above any seq an earlier file used', () => {
    const clock = clockAt(1_700_000_000_000);
    let buf = open({ now: clock.now });
    buf.commit([sample(1)]);
    const old = buf.formBatch('a', 10, 1 << 20)!;
    buf.close();
    writeFileSync(join(dir, 'buf.db'), 'not a database at all, certainly not sqlite');
    clock.ms += 1;
    buf = open({ now: clock.now });
    buf.commit([sample(2)]);
    expect(buf.formBatch('a', 10, 1 << 20)!.seq).toBeGreaterThan(old.seq);
    buf.close();
  });

  it('keeps produced = acked + dropped + buffered through a mixed history', () => {
    const buf = open({ maxBytes: 2000 });
    for (let i = 0; i < 200; i++) {
      buf.commit([sample(i, 30 + (i % 7))]);
      if (i % 9 === 0) {
        const b = buf.formBatch('a', 5, 1 << 20);
        if (b && i % 2 === 0) buf.ack(b.seq);
        if (b && i % 27 === 0) buf.reject(b.seq, 'no');
      }
    }
    const st = buf.status();
    expect(st.produced_samples).toBe(200);
    expect(st.acked_samples + st.dropped_samples + st.buffered_samples).toBe(200);
    expect(st.buffered_bytes).toBeLessThanOrEqual(2000);
    buf.close();
  });
});
