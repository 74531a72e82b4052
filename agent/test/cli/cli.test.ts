import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampleBuffer } from '../../src/buffer/sample_buffer.js';
import { runCli, type CliDeps } from '../../src/cli.js';
import type { AgentConfig } from '../../src/config.js';
import { AGENT_VERSION } from '../../src/version.js';
import { encodeDoc, fakeDoc, fakeSampler } from '../exporter/fake_sampler.js';

const STATUS_KEYS = ['produced_samples', 'acked_samples', 'buffered_samples', 'dropped_samples', 'last_ack_at', 'last_error'];

function cli(env: Record<string, string> = {}) {
  const io = { out: '', err: '', runs: [] as AgentConfig[] };
  const dir = mkdtempSync(join(tmpdir(), 'gpuopt-cli-'));
  const deps: CliDeps = {
    env,
    cwd: dir,
    out: (t) => (io.out += t),
    err: (t) => (io.err += t),
    loadSampler: async () => () => fakeSampler('host-cli'),
    runAgent: async (cfg) => (io.runs.push(cfg), 0),
  };
  return { io, dir, run: (...argv: string[]) => runCli(argv, deps) };
}

describe('cli', () => {
  it.each(['run', 'once', 'status', 'version'])('%s --help prints its usage and exits 0', async (cmd) => {
    const { io, run } = cli();
    expect(await run(cmd, '--help')).toBe(0);
    expect(io.out).toContain(`Usage: gpuoptimizer-agent ${cmd}`);
    expect(io.out).toContain('--help');
    expect(io.err).toBe('');
  });

  it('lists every interface setting under run --help, with its environment variable', async () => {
    const { io, run } = cli();
    await run('run', '--help');
    for (const [flag, env] of [['collector', 'GPUOPT_COLLECTOR'], ['api-key', 'GPUOPT_API_KEY'], ['interval', 'GPUOPT_INTERVAL'], ['nvidia-smi', 'GPUOPT_NVIDIA_SMI'], ['buffer', 'GPUOPT_BUFFER'], ['insecure', 'GPUOPT_INSECURE'], ['config', 'GPUOPT_CONFIG'], ['buffer-max-mb', 'GPUOPT_BUFFER_MAX_MB'], ['ca', 'GPUOPT_CA']]) {
      expect(io.out).toMatch(new RegExp(`--${flag}\\b.*\\[${env}\\]`));
    }
  });

  it('top-level --help exits 0; no command prints help on stderr and exits 2', async () => {
    const a = cli();
    expect(await a.run('--help')).toBe(0);
    expect(a.io.out).toContain('Commands:');
    const b = cli();
    expect(await b.run()).toBe(2);
    expect(b.io.err).toContain('Commands:');
  });

  it.each([
    [['run', '--bogus'], /unknown flag --bogus/],
    [['status', '--collector', 'x:1'], /unknown flag --collector for "status"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['run', '--collector', 'no-port'], /--collector: expected host:port/],
    [['run', '--interval', 'soon'], /interval/],
    [['run', '--cloud-provider', 'ibm'], /--cloud-provider: expected one of/],
    [['run', '--buffer-max-mb', '0'], /--buffer-max-mb: must be between/],
    [['version', '--x'], /unknown flag --x/],
  ])('%j is one clear line on stderr and exit 2', async (argv, message) => {
    const { io, run } = cli();
    expect(await run(...argv)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err.trim().split('\n')).toHaveLength(1);
  });

  it('resolves flag over environment over config file over default', async () => {
    const { io, dir, run } = cli({ GPUOPT_INTERVAL: '2s', GPUOPT_INSECURE: '1', GPUOPT_CONFIG: 'agent.yaml' });
    writeFileSync(join(dir, 'agent.yaml'), 'collector: collector.internal:7000\ninterval: 9s\nbuffer-max-mb: 64\nbuffer: b/buf.db\n');
    expect(await run('run', '--interval', '250ms')).toBe(0);
    expect(io.runs[0]).toMatchObject({
      collector: 'collector.internal:7000', intervalMs: 250, insecure: true, bufferMaxBytes: 64 << 20,
      bufferPath: join(dir, 'b/buf.db'), nvidiaSmiPath: 'nvidia-smi', logLevel: 'info', configFile: 'agent.yaml',
    });
  });

  it('applies the documented defaults', async () => {
    const { io, dir, run } = cli();
    expect(await run('run')).toBe(0);
    expect(io.runs[0]).toMatchObject({
      collector: '127.0.0.1:50051', intervalMs: 5000, nvidiaSmiPath: 'nvidia-smi', insecure: false, bufferMaxBytes: 512 << 20,
      bufferMaxAgeMs: 7 * 86_400_000, batchMaxSamples: 500, batchDelayMs: 1000, maxInFlight: 8, shutdownTimeoutMs: 5000,
      cloudProvider: 'auto', logLevel: 'info', apiKey: undefined, agentId: undefined,
    });
    expect(io.runs[0]?.bufferPath).toMatch(/(\/var\/lib\/gpuoptimizer\/buffer\.db|data\/agent-buffer\.db)$/);
    expect(io.runs[0]?.bufferPath.startsWith('/var/lib') || io.runs[0]?.bufferPath.startsWith(dir)).toBe(true);
  });

  it('reads a JSON config file, and refuses an unknown key in it', async () => {
    const { io, dir, run } = cli();
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ api_key: 'sekret-123', max_in_flight: 3 }));
    expect(await run('run', '--config', 'a.json')).toBe(0);
    expect(io.runs[0]).toMatchObject({ apiKey: 'sekret-123', maxInFlight: 3 });
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ colector: 'typo:1' }));
    expect(await run('run', '--config', 'b.json')).toBe(2);
    expect(io.err).toContain('unknown setting "colector"');
  });

  it('never echoes the API key in a settings error', async () => {
    const { io, run } = cli({ GPUOPT_API_KEY: 'super-secret-key' });
    expect(await run('run', '--max-in-flight', 'many')).toBe(2);
    expect(io.err).not.toContain('super-secret-key');
  });

  it('status --json reads the counters from the buffer file', async () => {
    const { io, dir, run } = cli();
    const path = join(dir, 'buf.db');
    const buf = SampleBuffer.open({ path, maxBytes: 1 << 20, maxAgeMs: 86_400_000, log: () => {} });
    buf.commit([encodeDoc(fakeDoc('h', Date.now())), encodeDoc(fakeDoc('h', Date.now() + 1))]);
    buf.ack(buf.formBatch('agt_1', 1, 1 << 20)!.seq);
    expect(await run('status', '--json', '--buffer', path)).toBe(0);
    buf.close();
    const st = JSON.parse(io.out) as Record<string, unknown>;
    for (const k of STATUS_KEYS) expect(st).toHaveProperty(k);
    expect(st).toMatchObject({ produced_samples: 2, acked_samples: 1, buffered_samples: 1, dropped_samples: 0, last_error: null });
    expect(typeof st['last_ack_at']).toBe('string');
  });

  it('status without --json is a readable table; a missing buffer reads as not yet created', async () => {
    const { io, run } = cli();
    expect(await run('status', '--buffer', 'nowhere.db')).toBe(0);
    expect(io.out).toContain('does not exist yet');
  });

  it('once --json prints the sample document; without --json a summary', async () => {
    const a = cli();
    expect(await a.run('once', '--json', '--agent-id', 'agt_fixed')).toBe(0);
    const doc = JSON.parse(a.io.out) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['ts', 'agent', 'host', 'cloud', 'gpus', 'processes']);
    const b = cli();
    expect(await b.run('once')).toBe(0);
    expect(b.io.out).toMatch(/host +test-host/);
    expect(b.io.out).toContain('NVIDIA Test');
  });

  it('version prints the package version, also as JSON', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(AGENT_VERSION).toBe(pkg.version);
    const { io, run } = cli({ GPUOPT_GIT_COMMIT: 'abc1234' });
    expect(await run('version')).toBe(0);
    expect(io.out).toContain(`gpuoptimizer-agent ${pkg.version} (commit abc1234)`);
    io.out = '';
    expect(await run('version', '--json')).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ version: pkg.version, commit: 'abc1234' });
  });
});
