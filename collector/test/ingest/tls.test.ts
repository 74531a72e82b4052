// The collector serves ingest over TLS with a configured certificate and key: an agent that
// trusts the CA gets its batch stored; a plaintext client gets nothing through.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, ingestCodec, type WireAck } from '@gpuoptimizer/shared';
import { IngestServer } from '../../src/ingest/server.js';
import { openMetricsStore, type MetricsStore } from '../../src/stores/metrics/index.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url)));
const codec = ingestCodec();
const NOW = Date.now();
let dir: string;
let store: MetricsStore;
let server: IngestServer;

function send(creds: grpc.ChannelCredentials): Promise<{ acks: WireAck[]; code: grpc.status }> {
  const client = new grpc.Client(`localhost:${server.port}`, creds);
  const md = new grpc.Metadata();
  md.set('authorization', 'Bearer agent-key');
  const call = client.makeBidiStreamRequest<Buffer, WireAck>('/gpuoptimizer.v1.Ingest/Stream', (b) => b, (b) => codec.decodeAck(b), md);
  const acks: WireAck[] = [];
  return new Promise((resolve) => {
    call.on('data', (a: WireAck) => acks.push(a));
    call.on('error', () => undefined);
    call.on('status', (s) => {
      client.close();
      resolve({ acks, code: s.code });
    });
    call.write(codec.encodeBatch({
      seq: 1, agent_id: 'ag', created_unix_ms: NOW,
      samples: [{ ts_unix_ms: NOW, agent: { id: 'ag', version: '1' }, host: { id: 'h', hostname: 'h', os: 'o', cpu_model: 'c', cpu_cores: 1, memory_total_mib: 1 }, cloud: null, gpus: [{ uuid: 'GPU-tls', index: 0, name: 'T4' } as never], processes: [] }],
    }));
    call.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpuopt-ingest-tls-'));
  ({ store } = await openMetricsStore({ dataDir: dir, database: 'tls', rawTtlDays: 30, rollupTtlDays: 400 }));
  server = new IngestServer({
    auth: { authenticateKey: (k) => (k === 'agent-key' ? { tenantId: 'usr_tls', keyId: 'key_1', scope: 'agent' } : null) },
    metrics: store, fleet: { recordReport: () => undefined }, clock: { now: () => new Date() }, log: () => undefined,
    limits: { maxSamplesPerBatch: 100, maxGpusPerSample: 8, maxAgeMs: 86_400_000, maxFutureMs: 300_000 },
  });
  await server.start({ host: '127.0.0.1', port: 0, maxMessageBytes: 1 << 20, tls: { certPem: fixture('server.pem'), keyPem: fixture('server.key') } });
});
afterAll(async () => {
  await server.shutdown(1000);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest over TLS', () => {
  it('stores a batch from a client that trusts the configured CA', async () => {
    const r = await send(grpc.credentials.createSsl(fixture('ca.pem')));
    expect(r.acks).toEqual([expect.objectContaining({ seq: 1, status: AckStatus.STORED, stored_samples: 1 })]);
  });

  it('lets nothing through in plaintext, nor to a client that does not trust the certificate', async () => {
    const plain = await send(grpc.credentials.createInsecure());
    expect(plain.acks).toEqual([]);
    expect(plain.code).toBe(grpc.status.UNAVAILABLE);
    const untrusting = await send(grpc.credentials.createSsl());
    expect(untrusting.acks).toEqual([]);
    expect(untrusting.code).toBe(grpc.status.UNAVAILABLE);
  });
});
