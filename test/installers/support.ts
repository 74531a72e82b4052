/**
 * Helpers for the installer tests: the tools they need (a missing one fails the test with the
 * package to install, it never skips), building the single executable into a scratch dist
 * directory, a PATH without node, free ports and polling.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const AGENT_VERSION: string = JSON.parse(readFileSync(join(ROOT, 'agent', 'package.json'), 'utf8')).version;
export const NODE_ARCH = process.arch;
export const DEB_ARCH = process.arch === 'x64' ? 'amd64' : process.arch;

/** Fails (never skips) when a tool is missing, naming the Debian package that has it. */
export function requireTool(tool: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0 || !found.stdout.trim()) {
    throw new Error(`${tool} is not installed: these tests need it (apt-get install -y ${debianPackage}; .ci/run installs it)`);
  }
  return found.stdout.trim();
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `gpuopt-installers-${prefix}-`));
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; throws with its output unless `allowFail`. */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions & { allowFail?: boolean } = {}): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 240_000, ...opts });
  const out = { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (!opts.allowFail && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n--- stdout\n${out.stdout.slice(-4000)}\n--- stderr\n${out.stderr.slice(-4000)}`);
  }
  return out;
}

/**
 * Builds the agent executable with installers/sea/build.mjs into `dist` (a scratch directory,
 * so a developer's dist/ is left alone and parallel test files do not collide). The compiled
 * agent (agent/dist) comes from `tsc -b`, which `npm test` runs first.
 */
export function buildAgentExecutable(dist: string): string {
  if (!existsSync(join(ROOT, 'agent', 'dist', 'main.js'))) throw new Error('agent/dist/main.js is missing: run `tsc -b` (npm test does) first');
  run(process.execPath, [join(ROOT, 'installers', 'sea', 'build.mjs'), '--dist', dist], { cwd: ROOT, timeout: 180_000 });
  const exe = join(dist, `gpuoptimizer-agent-linux-${NODE_ARCH}`);
  if (!existsSync(exe)) throw new Error(`build.mjs did not write ${exe}`);
  return exe;
}

const HIDDEN = new Set(['node', 'nodejs', 'npm', 'npx', 'corepack', 'yarn', 'pnpm', 'bun', 'deno']);

/**
 * A directory of links to everything in /usr/bin and /bin except Node.js and its tools: a PATH
 * that looks like a GPU host's, with no node on it.
 */
export function pathWithoutNode(): string {
  const dir = tempDir('bin');
  for (const src of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (!existsSync(src)) continue;
    for (const name of readdirSync(src)) {
      if (HIDDEN.has(name) || existsSync(join(dir, name))) continue;
      try {
        symlinkSync(join(src, name), join(dir, name));
      } catch {
        /* a duplicate through /bin -> /usr/bin */
      }
    }
  }
  const check = spawnSync('/bin/sh', ['-c', 'command -v node nodejs'], { env: { PATH: dir }, encoding: 'utf8' });
  if (check.stdout.trim()) throw new Error(`node is still reachable on ${dir}: ${check.stdout}`);
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export async function waitFor<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined> | T | undefined, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Every path under `dir` with its type, mode, owner and content digest or link target. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = spawnSync('stat', ['-c', '%F %a %u:%g %s', p], { encoding: 'utf8' }).stdout.trim();
      let extra = '';
      if (st.startsWith('symbolic link')) extra = spawnSync('readlink', [p], { encoding: 'utf8' }).stdout.trim();
      else if (st.startsWith('regular')) extra = spawnSync('md5sum', [p], { encoding: 'utf8' }).stdout.split(' ')[0] ?? '';
      out[p.slice(dir.length)] = `${st} ${extra}`;
      if (st.startsWith('directory')) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** A scratch root with the host's account files, for installs that must not touch this host. */
export function scratchRoot(prefix: string, withDpkg = false): string {
  const dir = tempDir(prefix);
  mkdirSync(join(dir, 'etc'), { recursive: true });
  for (const f of ['passwd', 'group', 'shadow', 'gshadow']) {
    run('cp', ['-p', join('/etc', f), join(dir, 'etc', f)], { allowFail: f.endsWith('shadow') });
  }
  if (withDpkg) {
    for (const d of ['info', 'updates', 'triggers']) mkdirSync(join(dir, 'var', 'lib', 'dpkg', d), { recursive: true });
    run('touch', [join(dir, 'var/lib/dpkg/status'), join(dir, 'var/lib/dpkg/available')]);
  }
  return dir;
}

export const fileName = basename;
