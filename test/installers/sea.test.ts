/**
 * The agent as one executable (installers/sea/build.mjs): built once for this file, copied to an
 * empty directory with no node_modules next to it, and run with a PATH that has no node on it:
 * `version`, `--help`, `once --json` with the stand-in nvidia-smi, and `run` against a real
 * collector (started here on its embedded stores), which must then list the GPU.
 *
 * The stand-in nvidia-smi (agent/test/support/fake_nvidia_smi.mjs) is itself a Node.js script:
 * its wrapper calls node by absolute path, as the real nvidia-smi is a program of its own. The
 * agent never gets node from the PATH or a node_modules directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_VERSION, buildAgentExecutable, freePort, pathWithoutNode, ROOT, run, tempDir, waitFor } from './support.js';

let dist: string;
let work: string; // the "host": an empty directory holding only the executable
let exe: string;
let home: string;
let binDir: string;
let smi: string;
let buildMs = 0;

const env = (extra: Record<string, string> = {}) => ({ PATH: binDir, HOME: home, LANG: 'C.UTF-8', ...extra });

beforeAll(() => {
  dist = tempDir('sea-dist');
  const t0 = Date.now();
  const built = buildAgentExecutable(dist);
  buildMs = Date.now() - t0;
  work = tempDir('sea-host');
  exe = join(work, 'gpuoptimizer-agent');
  copyFileSync(built, exe);
  chmodSync(exe, 0o755);
  home = join(work, 'home');
  mkdirSync(home);
  binDir = pathWithoutNode();
  smi = join(tempDir('smi'), 'nvidia-smi');
  writeFileSync(smi, `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'agent', 'test', 'support', 'fake_nvidia_smi.mjs')}' "$@"\n`);
  chmodSync(smi, 0o755);
}, 240_000);

afterAll(() => {
  for (const d of [dist, work, binDir, smi && dirname(smi)]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('the single executable', () => {
  it('is one ELF file of reasonable size, built in reasonable time', () => {
    const size = statSync(exe).size;
    expect(run('head', ['-c', '4', exe]).stdout).toBe('\x7fELF');
    expect(size).toBeGreaterThan(40 * 1024 * 1024); // Node.js itself is inside
    expect(size).toBeLessThan(160 * 1024 * 1024);
    expect(buildMs).toBeLessThan(180_000);
    expect(readdirSync(work).sort()).toEqual(['gpuoptimizer-agent', 'home']);
  });

  it('prints its version and commit with no node and no node_modules', () => {
    const r = run(exe, ['version'], { cwd: work, env: env() });
    expect(r.stdout).toContain(AGENT_VERSION);
    expect(r.stdout).toMatch(/[0-9a-f]{7,}|unknown/);
    expect(r.stderr).toBe('');
  });

  it('answers --help with every command', () => {
    const r = run(exe, ['--help'], { cwd: work, env: env() });
    for (const cmd of ['run', 'once', 'status', 'version']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    const runHelp = run(exe, ['run', '--help'], { cwd: work, env: env() }).stdout;
    for (const flag of ['--collector', '--api-key', '--interval', '--nvidia-smi', '--buffer', '--insecure', '--config']) expect(runHelp).toContain(flag);
  });

  it('samples once (--json) through the stand-in nvidia-smi', () => {
    const r = run(exe, ['once', '--json', '--cloud-provider', 'none', '--buffer', join(work, 'once.db')], {
      cwd: work,
      env: env({ GPUOPT_NVIDIA_SMI: smi }),
      timeout: 60_000,
    });
    const doc = JSON.parse(r.stdout);
    expect(doc.agent.version).toBe(AGENT_VERSION);
    expect(doc.host.hostname).toBeTruthy();
    expect(doc.gpus.length).toBeGreaterThan(0);
    expect(doc.gpus[0].name).toMatch(/NVIDIA/);
    expect(typeof doc.gpus[0].utilization_gpu_pct === 'number' || doc.gpus[0].utilization_gpu_pct === null).toBe(true);
  });

});

describe('`run` of the executable against a real collector', () => {
  let collector: ChildProcess | undefined;
  let agent: ChildProcess | undefined;
  let data: string | undefined;
  const logs = { collector: '', agent: '' };

  afterAll(async () => {
    for (const p of [agent, collector]) {
      if (p && p.exitCode === null && p.signalCode === null) {
        p.kill(p === collector ? 'SIGTERM' : 'SIGKILL');
        await new Promise((r) => p.once('exit', r));
      }
    }
    if (data) rmSync(data, { recursive: true, force: true });
  });

  it('ships samples that the collector stores: the admin sees the GPU', async () => {
    data = tempDir('sea-collector');
    const port = await freePort();
    const grpcPort = await freePort();
    const keyFile = join(data!, 'agent.key');
    const adminEmail = 'admin@example.com';
    const adminPassword = 'Installer-test-pass-1';
    collector = spawn(process.execPath, [join(ROOT, 'collector', 'bin', 'gpuoptimizer-collector.js'), 'serve', '--local-agent-key-file', keyFile], {
      cwd: data,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), GRPC_PORT: String(grpcPort), DATA_DIR: join(data!, 'data'), ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collector.stdout!.on('data', (b) => (logs.collector += b));
    collector.stderr!.on('data', (b) => (logs.collector += b));
    const key = await waitFor(`the collector's agent key (log: ${logs.collector.slice(-2000)})`, 90_000, () =>
      existsSync(keyFile) ? run('cat', [keyFile]).stdout.trim() || undefined : collector!.exitCode !== null ? Promise.reject(new Error(`collector exited ${collector!.exitCode}: ${logs.collector.slice(-2000)}`)) : undefined,
    );

    const buffer = join(work, 'run.db');
    agent = spawn(exe, ['run', '--collector', `127.0.0.1:${grpcPort}`, '--insecure', '--interval', '500ms', '--cloud-provider', 'none', '--buffer', buffer], {
      cwd: work,
      env: env({ GPUOPT_API_KEY: key, GPUOPT_NVIDIA_SMI: smi }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout!.on('data', (b) => (logs.agent += b));
    agent.stderr!.on('data', (b) => (logs.agent += b));

    const status = await waitFor(`acked samples (agent log: ${logs.agent.slice(-2000)})`, 60_000, () => {
      if (agent!.exitCode !== null) throw new Error(`agent exited ${agent!.exitCode}: ${logs.agent.slice(-2000)}`);
      const s = JSON.parse(run(exe, ['status', '--json', '--buffer', buffer], { cwd: work, env: env() }).stdout);
      return s.acked_samples >= 3 ? s : undefined;
    }, 500);
    expect(status.last_error).toBeNull();

    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: adminEmail, password: adminPassword }) });
    const loginBody = (await login.json()) as { data?: { token?: string } };
    expect(login.status, JSON.stringify(loginBody)).toBe(200);
    const token = loginBody.data!.token!;
    const gpus = await waitFor('the GPU in GET /api/gpus', 30_000, async () => {
      const res = await fetch(`${base}/api/gpus`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { data?: { gpus?: Array<Record<string, unknown>> } };
      return body.data?.gpus?.length ? body.data.gpus : undefined;
    }, 500);
    expect(JSON.stringify(gpus[0])).toMatch(/H100/);

    // SIGTERM: flushes and exits 0.
    agent.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => agent!.once('exit', (c) => r(c)));
    expect(code, logs.agent.slice(-2000)).toBe(0);
    expect(logs.agent).toMatch(/agent stopped/);
  }, 180_000);

  it('unpacked its SQLite addon once, from itself, into a private content-hashed cache', () => {
    const buffer = join(work, 'run.db');
    expect(existsSync(buffer)).toBe(true);
    const cache = join(home, '.cache', 'gpuoptimizer');
    const files = readdirSync(cache);
    expect(files).toEqual([expect.stringMatching(/^better_sqlite3-[0-9a-f]{16}\.node$/)]);
    expect(statSync(cache).mode & 0o077).toBe(0);
    const mtime = statSync(join(cache, files[0]!)).mtimeMs;
    const s = JSON.parse(run(exe, ['status', '--json', '--buffer', buffer], { cwd: work, env: env() }).stdout);
    expect(s.acked_samples).toBeGreaterThan(0);
    expect(statSync(join(cache, files[0]!)).mtimeMs).toBe(mtime); // reused, not rewritten
  });

  it('falls back to a private temp directory when there is no HOME, and says where to point it when nothing is writable', () => {
    const tmp = tempDir('sea-tmp');
    try {
      const ok = run(exe, ['status', '--json', '--buffer', join(work, 'run.db')], { cwd: work, env: { PATH: binDir, TMPDIR: tmp } });
      expect(JSON.parse(ok.stdout).buffer_exists).toBe(true);
      expect(readdirSync(tmp).some((d) => d.startsWith('gpuoptimizer-'))).toBe(true);
      // Every candidate under a regular file: nothing can be created.
      const notADir = join(tmp, 'file');
      writeFileSync(notADir, '');
      const bad = run(exe, ['status', '--json', '--buffer', join(work, 'run.db')], {
        cwd: work,
        env: { PATH: binDir, GPUOPT_NATIVE_DIR: join(notADir, 'a'), TMPDIR: join(notADir, 'b'), HOME: join(notADir, 'c') },
        allowFail: true,
        timeout: 30_000,
      });
      if (!existsSync('/var/lib/gpuoptimizer')) {
        expect(bad.status).not.toBe(0);
        expect(bad.stdout + bad.stderr).toMatch(/GPUOPT_NATIVE_DIR/);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
