import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerCredentials } from '@grpc/grpc-js';
import { SettingsError } from '@gpuoptimizer/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { SampleBuffer } from '../../src/buffer/sample_buffer.js';
import { channelCredentials } from '../../src/exporter/credentials.js';
import { GrpcExporter } from '../../src/exporter/grpc_exporter.js';
import { startFakeCollector, waitFor, type FakeCollector } from './fake_collector.js';
import { encodeDoc, fakeDoc } from './fake_sampler.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function tlsCollector(): Promise<FakeCollector> {
  const creds = ServerCredentials.createSsl(null, [{ private_key: readFileSync(fixture('server.key')), cert_chain: readFileSync(fixture('server.pem')) }], false);
  const fc = await startFakeCollector({ credentials: creds });
  cleanup.push(() => fc.stop());
  return fc;
}

function shipper(fc: FakeCollector, credentials: ReturnType<typeof channelCredentials>, log: (level: string, msg: string, fields?: Record<string, unknown>) => void = () => {}) {
  const buffer = SampleBuffer.open({ path: join(mkdtempSync(join(tmpdir(), 'gpuopt-tls-')), 'b.db'), maxBytes: 1 << 20, maxAgeMs: 86_400_000, log: () => {} });
  buffer.commit([encodeDoc(fakeDoc('tls-host', Date.now()))]);
  const exp = new GrpcExporter({ target: `localhost:${fc.port}`, credentials, buffer, agentId: 'agt_tls', log, batchDelayMs: 0, backoff: { initialMs: 20, maxMs: 50 } });
  cleanup.push(() => buffer.close(), () => exp.shutdown(0));
  exp.start();
  return { buffer, exp };
}

describe('exporter TLS', () => {
  it('delivers over TLS when the collector certificate verifies against the configured CA', async () => {
    const fc = await tlsCollector();
    const { buffer } = shipper(fc, channelCredentials({ insecure: false, caFile: fixture('ca.pem') }));
    await waitFor(() => buffer.status().acked_samples === 1, 5000, 'ack over TLS');
    expect(fc.storedSamples.size).toBe(1);
  });

  it('refuses a certificate the system CAs do not vouch for, and keeps the sample', async () => {
    const fc = await tlsCollector();
    const { buffer, exp } = shipper(fc, channelCredentials({ insecure: false, env: {} }));
    await waitFor(() => exp.status().streams_opened >= 3, 5000, 'retries');
    expect(fc.received).toHaveLength(0);
    expect(buffer.status()).toMatchObject({ acked_samples: 0, buffered_samples: 1 });
    expect(buffer.status().last_error).toContain('UNAVAILABLE');
  });

  it('tells the operator to use --insecure when the collector speaks plaintext', async () => {
    const fc = await startFakeCollector({});
    cleanup.push(() => fc.stop());
    const hints: unknown[] = [];
    const { exp } = shipper(fc, channelCredentials({ insecure: false, caFile: fixture('ca.pem') }), (_l, _m, f) => void hints.push(f?.hint));
    await waitFor(() => exp.status().streams_opened >= 2, 5000, 'retries');
    expect(fc.received).toHaveLength(0);
    expect(hints).toContainEqual(expect.stringContaining('--insecure'));
  });

  it('does not fall back to plaintext against a TLS collector', async () => {
    const fc = await tlsCollector();
    const { exp } = shipper(fc, channelCredentials({ insecure: true }));
    await waitFor(() => exp.status().streams_opened >= 2, 5000, 'retries');
    expect(fc.received).toHaveLength(0);
  });

  it('turns an unreadable or non-PEM CA file into a settings error', () => {
    expect(() => channelCredentials({ insecure: false, caFile: '/nonexistent/ca.pem' })).toThrow(SettingsError);
    expect(() => channelCredentials({ insecure: false, caFile: fixture('README.md') })).toThrow(/no PEM certificate/);
  });
});
