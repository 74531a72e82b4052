/**
 * Ships buffered samples to the collector over one gRPC bidirectional stream at a time.
 *
 * Batches are formed by count (`maxBatchSamples`) or time (`batchDelayMs`), up to
 * `maxInFlight` unacked at once; an ack is matched by seq and only then does the buffer
 * delete the batch. A new stream re-sends every formed batch still in the buffer, oldest
 * first, with its original (agent_id, seq), then keeps forming new ones: after an outage the
 * backlog drains as fast as the window of acks allows, while sampling goes on committing.
 * Failures are mapped once by errors.ts: retryable ones reconnect with jittered backoff, a
 * bad key stops sending (re-checked rarely), an invalid batch is isolated, dropped and counted.
 */
import { Client, Metadata, type ChannelCredentials, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { AckStatus, INGEST_STREAM_PATH, ingestCodec, type WireAck } from '@gpuoptimizer/shared';
import type { SampleBuffer } from '../buffer/sample_buffer.js';
import type { LogFn } from '../log.js';
import { createBackoff, type Backoff } from './backoff.js';
import { encodeBatchFrame } from './batch_frame.js';
import { classifyStatus, statusName } from './errors.js';

export interface ExporterOptions {
  /** host:port of the collector's gRPC port. */
  target: string;
  apiKey?: string | undefined;
  credentials: ChannelCredentials;
  buffer: SampleBuffer;
  agentId: string;
  log: LogFn;
  maxBatchSamples?: number;
  maxBatchBytes?: number;
  batchDelayMs?: number;
  maxInFlight?: number;
  backoff?: { initialMs: number; maxMs: number; random?: () => number };
  /** A stream whose oldest batch waits this long for its ack is abandoned and reopened. */
  ackTimeoutMs?: number;
  /** After a bad-key answer, how long to wait before asking again. */
  authRetryMs?: number;
  now?: () => number;
}

/** Where the exporter stands; persisted to the buffer so `status` can show it. */
export type ExporterState = 'idle' | 'connecting' | 'connected' | 'backoff' | 'unauthenticated' | 'stopped';

/** The exporter's live counters (for logs and /metrics). */
export interface ExporterStatus {
  state: ExporterState;
  in_flight_batches: number;
  streams_opened: number;
  acked_batches: number;
  rejected_batches: number;
  last_error: string | null;
}

interface Session {
  client: Client;
  call: ClientDuplexStream<Buffer, WireAck>;
  inflight: Map<number, { samples: number; sentAt: number }>;
  cursor: number;
  closed: boolean;
  blocked: boolean;
  ackTimer?: NodeJS.Timeout | undefined;
}

const DEFAULTS = { maxBatchSamples: 500, maxBatchBytes: 3 << 20, batchDelayMs: 1000, maxInFlight: 8, ackTimeoutMs: 30_000, authRetryMs: 300_000 };

/** The gRPC exporter: `start()`, `notify()` after commits, idempotent `shutdown(timeoutMs)`. */
export class GrpcExporter {
  private readonly o: Required<Omit<ExporterOptions, 'apiKey' | 'backoff'>> & Pick<ExporterOptions, 'apiKey'>;
  private readonly backoff: Backoff;
  private session: Session | undefined;
  private state: ExporterState = 'idle';
  private window: number;
  private timer: NodeJS.Timeout | undefined;
  private formTimer: NodeJS.Timeout | undefined;
  private flushing = false;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly counts = { streams_opened: 0, acked_batches: 0, rejected_batches: 0 };
  private lastError: string | null = null;

  constructor(opts: ExporterOptions) {
    this.o = { ...DEFAULTS, now: Date.now, ...opts };
    this.backoff = createBackoff(opts.backoff ?? { initialMs: 250, maxMs: 30_000 });
    this.window = this.o.maxInFlight;
  }

  /** Opens the first stream. */
  start(): void {
    if (this.state === 'idle') this.connect();
  }

  /** Tells the exporter that samples were committed, so it can form and send a batch. */
  notify(): void {
    if (this.session && !this.session.closed) this.pump(this.session);
  }

  /** Live counters. */
  status(): ExporterStatus {
    const inflight = this.session && !this.session.closed ? this.session.inflight.size : 0;
    return { state: this.state, in_flight_batches: inflight, ...this.counts, last_error: this.lastError };
  }

  private setState(state: ExporterState): void {
    if (this.state === state) return;
    this.state = state;
    this.o.buffer.recordState(state);
  }

  private connect(): void {
    if (this.stopped) return;
    this.setState('connecting');
    const client = new Client(this.o.target, this.o.credentials, {
      'grpc.max_send_message_length': this.o.maxBatchBytes + (1 << 20),
      'grpc.max_receive_message_length': 1 << 20,
    });
    const md = new Metadata();
    if (this.o.apiKey) md.set('authorization', `Bearer ${this.o.apiKey}`);
    const codec = ingestCodec();
    const call = client.makeBidiStreamRequest<Buffer, WireAck>(
      INGEST_STREAM_PATH,
      (frame) => frame,
      (bytes) => codec.decodeAck(bytes),
      md,
    );
    const session: Session = { client, call, inflight: new Map(), cursor: 0, closed: false, blocked: false };
    this.session = session;
    this.counts.streams_opened++;
    call.on('metadata', () => this.setState('connected'));
    call.on('data', (ack: WireAck) => this.onAck(session, ack));
    call.on('error', () => {}); // the 'status' event that always follows carries the outcome
    call.on('status', (st: StatusObject) => this.onEnd(session, st));
    this.pump(session);
  }

  /** Sends re-sends first, then new batches, until the window is full or nothing is due. */
  private pump(session: Session): void {
    const { buffer } = this.o;
    while (!session.closed && !session.blocked && session.inflight.size < this.window) {
      // A batch formed before this point may have been sent on an earlier stream (or by an
      // earlier process): flag it, so the collector checks what it already stored. A batch
      // formed here and now has never left this process.
      const earlier = buffer.batchesAfter(session.cursor, 1)[0];
      const info = earlier ?? this.formIfDue();
      if (!info) return;
      session.cursor = info.seq;
      const payload = buffer.readBatch(info.seq);
      if (!payload) continue;
      session.inflight.set(info.seq, { samples: info.samples, sentAt: this.o.now() });
      if (!session.call.write(encodeBatchFrame(payload, earlier !== undefined))) {
        session.blocked = true;
        session.call.once('drain', () => {
          session.blocked = false;
          this.pump(session);
        });
      }
      this.armAckTimer(session);
    }
  }

  private formIfDue() {
    const { count, sinceMs } = this.o.buffer.unbatched();
    if (count === 0) return null;
    const waited = this.o.now() - sinceMs;
    if (count < this.o.maxBatchSamples && !this.flushing && waited < this.o.batchDelayMs) {
      if (!this.formTimer) {
        this.formTimer = setTimeout(() => {
          this.formTimer = undefined;
          this.notify();
        }, this.o.batchDelayMs - waited);
      }
      return null;
    }
    return this.o.buffer.formBatch(this.o.agentId, this.o.maxBatchSamples, this.o.maxBatchBytes);
  }

  private armAckTimer(session: Session): void {
    if (session.ackTimer || session.inflight.size === 0) return;
    const oldest = Math.min(...[...session.inflight.values()].map((v) => v.sentAt));
    session.ackTimer = setTimeout(() => {
      session.ackTimer = undefined;
      const first = Math.min(...[...session.inflight.values()].map((v) => v.sentAt));
      if (session.inflight.size > 0 && this.o.now() - first >= this.o.ackTimeoutMs) {
        this.o.log('warn', 'no ack from the collector in time: reopening the stream', { ack_timeout_ms: this.o.ackTimeoutMs });
        session.call.cancel();
      } else {
        this.armAckTimer(session);
      }
    }, Math.max(1, oldest + this.o.ackTimeoutMs - this.o.now()));
  }

  private onAck(session: Session, ack: WireAck): void {
    const seq = Number(ack.seq);
    if (!session.inflight.has(seq)) {
      this.o.log('debug', 'ack for a batch not in flight: ignored', { seq });
      return;
    }
    if (ack.status === AckStatus.STORED) {
      session.inflight.delete(seq);
      this.o.buffer.ack(seq);
      this.counts.acked_batches++;
      this.backoff.reset();
      this.window = this.o.maxInFlight;
      this.setState('connected');
    } else if (ack.status === AckStatus.REJECTED) {
      session.inflight.delete(seq);
      this.reject(seq, ack.error || 'rejected by the collector');
    } else {
      // An ack we do not understand is not an ack: the batch stays in flight, and the ack
      // timeout reopens the stream and re-sends it.
      this.o.log('warn', 'ack with an unknown status: batch kept', { seq, status: ack.status });
      return;
    }
    this.pump(session);
  }

  private reject(seq: number, why: string): void {
    const dropped = this.o.buffer.reject(seq, why);
    this.counts.rejected_batches++;
    this.o.log('error', 'collector rejected a batch for good: dropped and counted', { seq, dropped_samples: dropped, error: why });
  }

  private onEnd(session: Session, st: StatusObject): void {
    if (session.closed) return;
    this.closeSession(session);
    if (this.stopped) return;
    const kind = classifyStatus(st.code);
    const message = `${statusName(st.code)}: ${st.details || 'stream closed'}`;
    this.lastError = message;
    if (kind === 'auth') return this.onAuthFailure(message);
    if (kind === 'invalid') this.onInvalid(session, message);
    else this.o.buffer.recordError(`collector ${this.o.target}: ${message}`);
    const waitMs = this.backoff.next();
    this.o.log(st.code === 0 ? 'info' : 'warn', 'collector stream ended: reconnecting', {
      collector: this.o.target, status: statusName(st.code), details: st.details, retry_in_ms: waitMs, attempt: this.backoff.attempts(),
      ...tlsHint(st.details),
    });
    this.schedule(waitMs, 'backoff');
  }

  private onInvalid(session: Session, message: string): void {
    const only = session.inflight.size === 1 ? [...session.inflight.keys()][0] : undefined;
    if (this.window === 1 && only !== undefined) {
      this.reject(only, message);
    } else {
      // Which batch was refused is unknown: resend one at a time until the bad one is alone.
      this.window = 1;
      this.o.buffer.recordError(`collector ${this.o.target}: ${message}`);
    }
  }

  private onAuthFailure(message: string): void {
    this.setState('unauthenticated');
    this.o.buffer.recordError(`collector refused the API key (${message}); not sending, samples keep buffering`);
    this.o.log('error', 'THE COLLECTOR REFUSED THE API KEY: not sending; samples keep buffering. Check --api-key / GPUOPT_API_KEY.', {
      collector: this.o.target, status: message, recheck_in_ms: this.o.authRetryMs,
    });
    this.schedule(this.o.authRetryMs, 'unauthenticated');
  }

  private schedule(ms: number, state: ExporterState): void {
    this.setState(state);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, ms);
  }

  private closeSession(session: Session): void {
    session.closed = true;
    clearTimeout(session.ackTimer);
    session.client.close();
  }

  /** Everything formed or waiting has been acked. */
  private drained(): boolean {
    return this.o.buffer.unbatched().count === 0 && this.o.buffer.batchesAfter(0, 1).length === 0;
  }

  /**
   * Sends what it can for up to `timeoutMs` (only while a stream is up), then closes.
   * Whatever is not acked stays in the buffer. Idempotent.
   */
  shutdown(timeoutMs = 5000): Promise<void> {
    this.shutdownPromise ??= this.flushThenStop(timeoutMs);
    return this.shutdownPromise;
  }

  private async flushThenStop(timeoutMs: number): Promise<void> {
    this.flushing = true;
    const deadline = Date.now() + timeoutMs;
    this.notify();
    while (Date.now() < deadline && this.session && !this.session.closed && !this.drained()) {
      await new Promise((r) => setTimeout(r, 20));
      this.notify();
    }
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.formTimer);
    if (this.session && !this.session.closed) {
      const session = this.session;
      session.call.cancel();
      this.closeSession(session);
    }
    this.setState('stopped');
  }
}

/** A hint for the TLS mistakes people make, recognised from OpenSSL's words in the status details. */
function tlsHint(details: string | undefined): { hint?: string } {
  if (!details) return {};
  if (/wrong version number|packet length too long|http request/i.test(details)) {
    return { hint: 'the collector does not speak TLS on this port: run the agent with --insecure (GPUOPT_INSECURE=1) for a plaintext collector on a trusted network, or give the collector TLS_CERT/TLS_KEY' };
  }
  if (/certificate|self.signed|unable to verify|CERT_/i.test(details)) {
    return { hint: "the collector's certificate is not trusted: pass the CA that signed it with --ca (GPUOPT_CA)" };
  }
  return {};
}
