// Delivery under faults, with real processes, real gRPC and real chDB: kill -9 the agent
// mid-stream; stop the collector for a while; kill -9 the collector between the store write and
// the ack; make the store fail for a while; send garbage and oversized frames. Afterwards every
// sample the agent committed is in the store exactly once, and the collector still serves.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { AGENT_BIN, api, COLLECTOR_BIN, FAKE_NVIDIA_SMI, freePort, startNode, stopProcess, until, type Proc } from '../support/processes.js';

const GPUS = 2;
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_S ?? 60) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'gpuopt-faults-'));
const dataDir = join(dir, 'data');
const buffer = join(dir, 'agent.db');
const keyFile = join(dir, 'key');
const downFile = join(dir, 'store-down');
let port: number;
let grpcPort: number;
let collector: Proc | undefined;
let agent: Proc | undefined;

async function startCollector(failpoints = ''): Promise<void> {
  collector = startNode(COLLECTOR_BIN, ['serve', '--local-agent-key-file', keyFile], {
    HOST: '127.0.0.1', PORT: String(port), GRPC_PORT: String(grpcPort), DATA_DIR: dataDir,
    ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'correct horse battery staple', LOG_LEVEL: 'warn', GPUOPT_FAILPOINTS: failpoints,
  });
  await collector.waitForOutput(/REST http:/, 90_000);
}

function startAgent(): void {
  agent = startNode(AGENT_BIN, ['run'], {
    GPUOPT_COLLECTOR: `127.0.0.1:${grpcPort}`, GPUOPT_API_KEY: readFileSync(keyFile, 'utf8').trim(), GPUOPT_INSECURE: '1',
    GPUOPT_INTERVAL: '200ms', GPUOPT_NVIDIA_SMI: FAKE_NVIDIA_SMI, GPUOPT_BUFFER: buffer, GPUOPT_CLOUD_PROVIDER: 'none',
    GPUOPT_BATCH_MAX_SAMPLES: '10', GPUOPT_BATCH_DELAY: '200ms', FAKE_NVIDIA_SMI_GPUS: String(GPUS), FAKE_NVIDIA_SMI_STATE: 'load',
  });
}

function status(): { produced_samples: number; acked_samples: number; buffered_samples: number; dropped_samples: number } {
  return JSON.parse(execFileSync(process.execPath, [AGENT_BIN, 'status', '--json', '--buffer', buffer], { encoding: 'utf8' }));
}

async function ackedGrows(by: number, timeoutMs = 30_000): Promise<void> {
  const start = status().acked_samples;
  const ok = await until(async () => (status().acked_samples >= start + by ? true : undefined), timeoutMs, 100);
  expect(ok, `acks did not grow by ${by}: ${JSON.stringify(status())}\nagent:\n${agent?.output().slice(-2000)}\ncollector:\n${collector?.output().slice(-2000)}`).toBe(true);
}

afterAll(async () => {
  await stopProcess(agent);
  await stopProcess(collector);
  rmSync(dir, { recursive: true, force: true });
});

describe('delivery under faults', () => {
  it('survives kill -9 of the agent mid-stream', async () => {
    [port, grpcPort] = [await freePort(), await freePort()];
    await startCollector();
    startAgent();
    await ackedGrows(10);
    agent!.child.kill('SIGKILL');
    await agent!.exited;
    startAgent();
    await ackedGrows(10);
  });

  it('buffers while the collector is stopped for a minute, then drains', async () => {
    expect(await stopProcess(collector)).toBe(0);
    const before = status().produced_samples;
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect(status().produced_samples).toBeGreaterThan(before + 10);
    await startCollector();
    const drained = await until(async () => (status().buffered_samples < 5 ? true : undefined), 60_000, 200);
    expect(drained, JSON.stringify(status())).toBe(true);
  }, OUTAGE_MS + 150_000);

  it('re-sends a batch whose ack was lost when the collector died between write and ack, and stores it once', async () => {
    await stopProcess(collector);
    await startCollector('kill_after_write=3');
    await collector!.exited; // the failpoint kills it after its third stored batch, before the ack
    await startCollector();
    await ackedGrows(10);
  });

  it('keeps buffering while the store fails, and delivers when it is back', async () => {
    writeFileSync(downFile, '');
    await stopProcess(collector);
    await startCollector(`store_down_file=${downFile}`);
    const acked = status().acked_samples;
    await new Promise((r) => setTimeout(r, 3000));
    expect(status().acked_samples).toBe(acked);
    rmSync(downFile);
    await ackedGrows(10);
  });

  it('answers garbage and oversized frames with a status and goes on serving', async () => {
    const send = (frame: Buffer) => new Promise<grpc.status>((resolve) => {
      const client = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 << 20 });
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${readFileSync(keyFile, 'utf8').trim()}`);
      const call = client.makeBidiStreamRequest<Buffer, Buffer>('/gpuoptimizer.v1.Ingest/Stream', (b) => b, (b) => b, md);
      call.on('status', (s) => { client.close(); resolve(s.code); });
      call.on('error', () => undefined);
      call.on('data', () => undefined);
      call.write(frame);
      call.end();
    });
    expect(await send(Buffer.from('\xff\xff\xff\xff garbage', 'latin1'))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await send(Buffer.alloc(20 << 20, 7))).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await api(`http://127.0.0.1:${port}`, '/api/health')).status).toBe(200);
    await ackedGrows(10);
  });

  it('ends with every committed sample stored exactly once', async () => {
    expect(await stopProcess(agent)).toBe(0);
    const s = status();
    expect(s.buffered_samples, JSON.stringify(s)).toBe(0);
    expect(s.dropped_samples).toBe(0);
    expect(await stopProcess(collector)).toBe(0);
    const ch = createClient({ connection: createChdbConnection({ path: join(dataDir, 'clickhouse') }) } as Parameters<typeof createClient>[0]);
    const rs = await ch.query({
      query: 'SELECT count() AS rows, uniqExact(gpu_uuid, ts) AS distinct_gpu_ts, uniqExact(ts) AS instants FROM gpuoptimizer.gpu_samples',
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ rows: number; distinct_gpu_ts: number; instants: number }>();
    await ch.close();
    expect(Number(row!.rows)).toBe(Number(row!.distinct_gpu_ts)); // no duplicates
    expect(Number(row!.instants)).toBe(s.produced_samples); // nothing lost
    expect(Number(row!.rows)).toBe(s.produced_samples * GPUS);
  });
});
