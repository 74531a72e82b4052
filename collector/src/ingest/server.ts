/**
 * The gRPC ingest receiver.
 *
 * Invariants:
 * - A stream is authenticated once, by an `agent` API key in `authorization: Bearer` metadata.
 * - A batch is acked STORED only after the metrics store returned from its write; a batch re-sent
 *   after any crash is stored once (a batch flagged resend is checked against what the store holds).
 * - A store failure acks nothing: the stream ends with UNAVAILABLE and the agent re-sends.
 * - A permanently invalid batch is acked REJECTED with the reason, so the agent drops and counts it.
 * - Garbage bytes and oversized frames end that stream with a status; the server goes on.
 * - shutdown() stops taking streams, lets in-flight writes finish and their acks go out, by a deadline.
 */
import * as grpc from '@grpc/grpc-js';
import { AckStatus, ingestCodec, type WireAck, type WireBatch } from '@gpuoptimizer/shared';
import { transcodeBatch, WireError, type TranscodedBatch } from './transcode.js';
import type { Clock, FleetRegistry, KeyAuthenticator, MetricsWriter } from '../ports.js';
import type { BatchLimits } from './validate.js';

/** What the receiver needs. */
export interface IngestDeps {
  auth: KeyAuthenticator;
  metrics: MetricsWriter;
  fleet: FleetRegistry;
  clock: Clock;
  limits: BatchLimits;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

/** Listening options. */
export interface IngestListen {
  host: string;
  port: number;
  maxMessageBytes: number;
  tls?: { certPem: Buffer; keyPem: Buffer } | undefined;
}

/** Counters for /api/admin/metrics and /api/health. */
export interface IngestCounters {
  streams_open: number;
  batches_stored: number;
  batches_rejected: number;
  samples_stored: number;
  samples_dropped: number;
  store_errors: number;
  decode_errors: number;
  auth_failures: number;
  in_flight: number;
}

// Frames stay bytes until the handler reads them (transcode.ts): nothing throws inside grpc-js.
type Decoded = Buffer;
const codec = ingestCodec();

const definition = {
  stream: {
    path: '/gpuoptimizer.v1.Ingest/Stream',
    requestStream: true,
    responseStream: true,
    requestSerialize: (b: WireBatch) => codec.encodeBatch(b),
    requestDeserialize: (bytes: Buffer): Decoded => bytes,
    responseSerialize: (a: WireAck) => codec.encodeAck(a),
    responseDeserialize: (bytes: Buffer) => codec.decodeAck(bytes),
  },
} satisfies grpc.ServiceDefinition;

/** The ingest gRPC server with start() and an idempotent shutdown(deadline). */
export class IngestServer {
  readonly counters: IngestCounters = {
    streams_open: 0, batches_stored: 0, batches_rejected: 0, samples_stored: 0, samples_dropped: 0,
    store_errors: 0, decode_errors: 0, auth_failures: 0, in_flight: 0,
  };
  private server: grpc.Server | undefined;
  private readonly pending = new Set<Promise<void>>();
  private boundPort = 0;
  private stopping = false;

  constructor(private readonly deps: IngestDeps) {}

  /** Binds and starts serving; resolves with the bound port. */
  async start(listen: IngestListen): Promise<number> {
    const server = new grpc.Server({
      'grpc.max_receive_message_length': listen.maxMessageBytes,
      'grpc.max_send_message_length': 1024 * 1024,
      'grpc.keepalive_time_ms': 60_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 10_000,
    });
    server.addService(definition, { stream: (call: grpc.ServerDuplexStream<Decoded, WireAck>) => this.handle(call) });
    const creds = listen.tls
      ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: listen.tls.certPem, private_key: listen.tls.keyPem }], false)
      : grpc.ServerCredentials.createInsecure();
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`, creds, (err, port) => (err ? reject(err) : resolve(port))),
    );
    this.server = server;
    return this.boundPort;
  }

  /** The port actually bound. */
  get port(): number {
    return this.boundPort;
  }

  private authenticate(call: grpc.ServerDuplexStream<Decoded, WireAck>): string | null {
    const header = call.metadata.get('authorization')[0];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const principal = match?.[1] ? this.deps.auth.authenticateKey(match[1]) : null;
    if (!principal) {
      this.counters.auth_failures++;
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'a valid agent API key is required (authorization: Bearer <key>)' });
      return null;
    }
    if (principal.scope !== 'agent') {
      this.counters.auth_failures++;
      call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: 'this API key is not an agent key; create one with scope "agent"' });
      return null;
    }
    return principal.tenantId;
  }

  private handle(call: grpc.ServerDuplexStream<Decoded, WireAck>): void {
    if (this.stopping) {
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'collector is shutting down' });
      return;
    }
    const tenantId = this.authenticate(call);
    if (!tenantId) return;
    this.counters.streams_open++;
    let failed = false;
    const fail = (code: grpc.status, details: string) => {
      if (failed) return;
      failed = true;
      call.emit('error', { code, details });
    };
    call.on('data', (bytes: Decoded) => {
      if (failed) return;
      let read: ReturnType<typeof transcodeBatch>;
      try {
        read = transcodeBatch(bytes, this.deps.limits, this.deps.clock.now().getTime());
      } catch (err) {
        this.counters.decode_errors++;
        fail(grpc.status.INVALID_ARGUMENT, `undecodable batch: ${err instanceof WireError ? err.message : 'malformed protobuf'}`);
        return;
      }
      if (!read.ok) {
        this.counters.batches_rejected++;
        this.deps.log('warn', 'batch rejected', { agent_id: read.agentId, seq: read.seq, reason: read.reason });
        call.write({ seq: read.seq, status: AckStatus.REJECTED, error: read.reason, stored_samples: 0 });
        return;
      }
      this.track(this.process(tenantId, read.batch, call, fail));
    });
    call.on('end', () => {
      void Promise.allSettled([...this.pending]).then(() => {
        if (!failed) call.end();
      });
    });
    call.on('error', () => undefined);
    call.on('close', () => {
      this.counters.streams_open--;
    });
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    this.counters.in_flight++;
    void p.finally(() => {
      this.pending.delete(p);
      this.counters.in_flight--;
    });
  }

  private async process(tenantId: string, batch: TranscodedBatch, call: grpc.ServerDuplexStream<Decoded, WireAck>, fail: (c: grpc.status, d: string) => void): Promise<void> {
    try {
      const stored = await this.deps.metrics.writeRows(tenantId, batch);
      this.recordNewest(tenantId, batch);
      this.counters.batches_stored++;
      this.counters.samples_stored += stored.rows;
      this.counters.samples_dropped += batch.droppedSamples;
      if (!call.cancelled) call.write({ seq: batch.seq, status: AckStatus.STORED, error: '', stored_samples: stored.rows });
    } catch (err) {
      this.counters.store_errors++;
      this.deps.log('error', 'metrics store write failed; batch not acked', { agent_id: batch.agentId, seq: batch.seq, error: err instanceof Error ? err.message : String(err) });
      fail(grpc.status.UNAVAILABLE, 'metrics store unavailable; retry later');
    }
  }

  private recordNewest(tenantId: string, batch: TranscodedBatch): void {
    if (!batch.newest) return;
    try {
      const newest = codec.decodeSample(batch.newest);
      if (!newest.host) return;
      this.deps.fleet.recordReport({
        tenantId, agentId: batch.agentId, host: newest.host, cloud: newest.cloud ?? null,
        gpus: newest.gpus, processes: newest.processes, seenAt: new Date(Number(newest.ts_unix_ms)),
      });
    } catch (err) {
      // Inventory is derived data: a failure here must not lose the stored samples' ack.
      this.deps.log('error', 'inventory update failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Stops accepting streams, drains in-flight batches until the deadline, then closes. Idempotent. */
  async shutdown(deadlineMs = 10_000): Promise<void> {
    if (!this.server || this.stopping) return;
    this.stopping = true;
    const server = this.server;
    const timer = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
    await Promise.race([Promise.allSettled([...this.pending]), timer]);
    await Promise.race([new Promise<void>((resolve) => server.tryShutdown(() => resolve())), timer]);
    server.forceShutdown();
  }
}
