/**
 * A tiny in-test collector: a real gRPC server with the real Ingest service definition on
 * 127.0.0.1, that acks, delays, rejects or fails on demand and records what it received.
 */
import { Server, ServerCredentials, status, type ServerDuplexStream, type ServiceDefinition } from '@grpc/grpc-js';
import { AckStatus, ingestServiceDefinition, type WireAck, type WireBatch } from '@gpuoptimizer/shared';

/** What the server does with one batch. */
export type BatchAction = 'store' | 'reject' | { delayMs: number } | { fail: status; details?: string };

export interface FakeCollectorOptions {
  apiKey?: string;
  /** Decides per stream (numbered from 1) whether to fail it at once. */
  onStream?: (n: number) => { code: status; details: string } | undefined;
  onBatch?: (batch: WireBatch) => BatchAction;
  credentials?: ServerCredentials;
}

export interface FakeCollector {
  port: number;
  target: string;
  opts: FakeCollectorOptions;
  /** Every batch received, re-sends included. */
  received: WireBatch[];
  streamTimes: number[];
  /** (agent_id, seq) pairs stored, each once: what an exactly-once store would hold. */
  storedBatches: Set<string>;
  /** Distinct samples seen in stored batches, keyed by host id and timestamp. */
  storedSamples: Set<string>;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** Key of a sample for counting distinct deliveries. */
export const sampleKey = (s: WireBatch['samples'][number]) => `${s.host?.id}@${s.ts_unix_ms}`;

function handle(fc: FakeCollector, call: ServerDuplexStream<WireBatch, WireAck>): void {
  fc.streamTimes.push(Date.now());
  const auth = call.metadata.get('authorization')[0];
  if (fc.opts.apiKey !== undefined && auth !== `Bearer ${fc.opts.apiKey}`) {
    call.emit('error', { code: status.UNAUTHENTICATED, details: 'invalid API key' });
    return;
  }
  const fail = fc.opts.onStream?.(fc.streamTimes.length);
  if (fail) {
    call.emit('error', fail);
    return;
  }
  call.on('data', (batch: WireBatch) => {
    fc.received.push(batch);
    const action = fc.opts.onBatch?.(batch) ?? 'store';
    if (typeof action === 'object' && 'fail' in action) {
      call.emit('error', { code: action.fail, details: action.details ?? 'failed on demand' });
      return;
    }
    const ack = () => {
      const key = `${batch.agent_id}/${batch.seq}`;
      if (action === 'reject') return call.write({ seq: batch.seq, status: AckStatus.REJECTED, error: 'rejected on demand', stored_samples: 0 });
      const fresh = !fc.storedBatches.has(key);
      fc.storedBatches.add(key);
      if (fresh) for (const s of batch.samples) fc.storedSamples.add(sampleKey(s));
      call.write({ seq: batch.seq, status: AckStatus.STORED, error: '', stored_samples: fresh ? batch.samples.length : 0 });
    };
    if (typeof action === 'object') setTimeout(ack, action.delayMs);
    else ack();
  });
  call.on('end', () => call.end());
  call.on('error', () => {});
}

async function listen(fc: FakeCollector, port: number): Promise<Server> {
  const server = new Server();
  server.addService(ingestServiceDefinition() as unknown as ServiceDefinition, { stream: (call: ServerDuplexStream<WireBatch, WireAck>) => handle(fc, call) });
  const creds = fc.opts.credentials ?? ServerCredentials.createInsecure();
  fc.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return server;
}

/** Starts a fake collector on a free loopback port. */
export async function startFakeCollector(opts: FakeCollectorOptions = {}): Promise<FakeCollector> {
  let server: Server | undefined;
  const fc: FakeCollector = {
    port: 0,
    get target() {
      return `127.0.0.1:${fc.port}`;
    },
    opts,
    received: [],
    streamTimes: [],
    storedBatches: new Set(),
    storedSamples: new Set(),
    async stop() {
      server?.forceShutdown();
      server = undefined;
    },
    async restart() {
      await fc.stop();
      server = await listen(fc, fc.port);
    },
  };
  server = await listen(fc, 0);
  return fc;
}

/** Polls `cond` every 10 ms until it holds or `timeoutMs` passes (then throws `what`). */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
