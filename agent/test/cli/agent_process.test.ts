import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readBufferStatus } from '../../src/buffer/status.js';
import { startFakeCollector, waitFor, type FakeCollector } from '../exporter/fake_collector.js';
import { assertBuilt, runAgentSync, startAgent, type AgentChild } from './agent_process.js';

beforeAll(assertBuilt);
const children: AgentChild[] = [];
const collectors: FakeCollector[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.child.kill('SIGKILL');
  for (const fc of collectors.splice(0)) await fc.stop();
});

function agentEnv(fc: FakeCollector, buffer: string): Record<string, string> {
  return {
    GPUOPT_COLLECTOR: fc.target, GPUOPT_INSECURE: '1', GPUOPT_API_KEY: 'test-key-123', GPUOPT_BUFFER: buffer,
    GPUOPT_INTERVAL: '50ms', GPUOPT_NVIDIA_SMI: '/nonexistent/nvidia-smi', GPUOPT_CLOUD_PROVIDER: 'none',
    GPUOPT_BATCH_DELAY: '20ms', GPUOPT_BATCH_MAX_SAMPLES: '5', GPUOPT_SHUTDOWN_TIMEOUT: '3s', GPUOPT_LOG_LEVEL: 'info',
  };
}

async function setup(opts: Parameters<typeof startFakeCollector>[0] = {}) {
  const fc = await startFakeCollector({ apiKey: 'test-key-123', ...opts });
  collectors.push(fc);
  const buffer = join(mkdtempSync(join(tmpdir(), 'gpuopt-proc-')), 'buf.db');
  return { fc, buffer, env: agentEnv(fc, buffer) };
}

function start(env: Record<string, string>): AgentChild {
  const a = startAgent(env);
  children.push(a);
  return a;
}

describe('the gpuoptimizer-agent executable', () => {
  it('answers --help, version and a bad flag with the right exit codes', () => {
    expect(runAgentSync(['--help']).code).toBe(0);
    expect(runAgentSync(['status', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('--json') });
    expect(runAgentSync(['version']).stdout).toMatch(/^gpuoptimizer-agent \d+\.\d+\.\d+/);
    const bad = runAgentSync(['run', '--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('gpuoptimizer-agent: unknown flag --no-such-flag for "run" (see run --help)');
  });

  it('run ships samples, status --json reads them while it runs, SIGTERM exits 0 after a flush', async () => {
    const { fc, buffer, env } = await setup();
    const agent = start(env);
    await waitFor(() => fc.storedSamples.size >= 5, 20_000, 'samples at the collector');
    const live = runAgentSync(['status', '--json', '--buffer', buffer]);
    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({ produced_samples: expect.any(Number), exporter_state: 'connected' });
    expect(JSON.parse(live.stdout).produced_samples).toBeGreaterThanOrEqual(5);
    // The GPU source's state and counters reach status --json through the buffer file.
    expect(JSON.parse(live.stdout).gpu_source).toMatchObject({ state: 'no_nvidia_smi', message: expect.stringContaining('not found'), gpus: 0, parse_errors: 0 });
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    const st = readBufferStatus(buffer);
    expect(st).toMatchObject({ buffered_samples: 0, dropped_samples: 0 });
    expect(st.acked_samples).toBe(st.produced_samples);
    expect(fc.storedSamples.size).toBe(st.produced_samples);
    expect(agent.stderr()).not.toContain('test-key-123');
  });

  it('on SIGTERM with a collector that never acks, exits 0 within the flush bound and keeps every sample', async () => {
    const { fc, env } = await setup({ onBatch: () => ({ delayMs: 600_000 }) });
    const agent = start({ ...env, GPUOPT_SHUTDOWN_TIMEOUT: '500ms' });
    await waitFor(() => fc.received.length >= 2, 20_000, 'batches sent');
    const stoppedAt = Date.now();
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
    const st = readBufferStatus(env['GPUOPT_BUFFER']!);
    expect(st.acked_samples).toBe(0);
    expect(st.buffered_samples).toBe(st.produced_samples);
    expect(st.produced_samples).toBeGreaterThan(0);
  });

  it('loses nothing when killed with SIGKILL mid-stream and restarted (duplicates on the wire allowed)', async () => {
    const { fc, buffer, env } = await setup({ onBatch: () => ({ delayMs: 300 }) });
    const first = start(env);
    await waitFor(() => fc.storedSamples.size >= 15, 20_000, 'first deliveries');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const afterKill = readBufferStatus(buffer);
    // Acks take 300 ms and a sample comes every 50 ms: the kill always lands with batches in flight.
    expect(afterKill.buffered_samples).toBeGreaterThan(0);
    const second = start(env);
    await waitFor(() => fc.storedSamples.size >= afterKill.produced_samples + 5, 20_000, 'backlog and new samples delivered');
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const st = readBufferStatus(buffer);
    expect(st).toMatchObject({ buffered_samples: 0, dropped_samples: 0 });
    // Every committed sample reached the store exactly once (the store dedups by agent id + seq).
    expect(fc.storedSamples.size).toBe(st.produced_samples);
    const onWire = fc.received.reduce((n, b) => n + b.samples.length, 0);
    expect(onWire).toBeGreaterThanOrEqual(st.produced_samples);
  });
});
