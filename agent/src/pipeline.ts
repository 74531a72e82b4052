/**
 * The agent's one pipeline: every interval, sampler.sample() → buffer commit → exporter.
 * A slow, hung or failing sample never stops the loop: ticks that find the previous sample
 * still running are skipped and counted, a sample that outlives its time-out is abandoned,
 * and every failure is counted and logged (once per distinct message per minute).
 */
import { ingestCodec, sampleToWire } from '@gpuoptimizer/shared';
import type { SampleBuffer } from './buffer/sample_buffer.js';
import type { LogFn } from './log.js';
import type { Sampler } from './scrapers/types.js';

export interface PipelineOptions {
  sampler: Sampler;
  buffer: Pick<SampleBuffer, 'commit'>;
  /** Told after every commit (the exporter), so a due batch goes out at once. */
  exporter?: { notify(): void } | undefined;
  intervalMs: number;
  log: LogFn;
  /** A sample still running after this long is abandoned (default 3 intervals, at least 1 s). */
  sampleTimeoutMs?: number;
  now?: () => Date;
}

/** Counters of the sampling loop. */
export interface PipelineStatus {
  samples_committed: number;
  sample_errors: number;
  skipped_ticks: number;
  last_sample_at: string | null;
}

/** The sampling loop; `start()` and idempotent `shutdown(timeoutMs)`. */
export class Pipeline {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private nextAt = 0;
  private readonly counts: PipelineStatus = { samples_committed: 0, sample_errors: 0, skipped_ticks: 0, last_sample_at: null };
  private lastLogged = new Map<string, number>();
  private readonly now: () => Date;

  constructor(private readonly o: PipelineOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** Takes the first sample now, then one per interval. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.nextAt = Date.now();
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.running) this.counts.skipped_ticks++;
    else this.running = this.sampleOnce().finally(() => (this.running = undefined));
    // Fixed-rate schedule: a slow sample delays nothing but itself.
    this.nextAt += this.o.intervalMs;
    const now = Date.now();
    if (this.nextAt <= now) this.nextAt = now + this.o.intervalMs; // fell behind: no burst to catch up
    this.timer = setTimeout(() => this.tick(), this.nextAt - now);
  }

  /** Takes one sample and commits it; never throws. */
  async sampleOnce(): Promise<void> {
    const timeoutMs = this.o.sampleTimeoutMs ?? Math.max(1000, 3 * this.o.intervalMs);
    let timeout: NodeJS.Timeout | undefined;
    try {
      const doc = await Promise.race([
        this.o.sampler.sample(this.now()),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`sample took longer than ${timeoutMs} ms: abandoned`)), timeoutMs);
        }),
      ]);
      const bytes = ingestCodec().encodeSample(sampleToWire(doc));
      this.o.buffer.commit([{ bytes, tsMs: Date.parse(doc.ts) }]);
      this.counts.samples_committed++;
      this.counts.last_sample_at = doc.ts;
      this.o.exporter?.notify();
    } catch (err) {
      this.counts.sample_errors++;
      this.logOnce(err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(timeout);
    }
  }

  private logOnce(message: string): void {
    const nowMs = Date.now();
    if (nowMs - (this.lastLogged.get(message) ?? -Infinity) < 60_000) return;
    if (this.lastLogged.size > 100) this.lastLogged.clear();
    this.lastLogged.set(message, nowMs);
    this.o.log('warn', 'sample failed; the loop goes on', { error: message, sample_errors: this.counts.sample_errors });
  }

  /** Loop counters. */
  status(): PipelineStatus {
    return { ...this.counts };
  }

  /** Stops sampling; waits up to `timeoutMs` for a sample in progress to be committed. */
  async shutdown(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.running) return;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((r) => (t = setTimeout(r, timeoutMs)))]);
    clearTimeout(t);
  }
}
