// Helpers for end-to-end tests: free ports, child processes of the real executables, HTTP calls.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const COLLECTOR_BIN = resolve(ROOT, 'collector/bin/gpuoptimizer-collector.js');
export const AGENT_BIN = resolve(ROOT, 'agent/bin/gpuoptimizer-agent.js');
export const FAKE_NVIDIA_SMI = resolve(ROOT, 'agent/test/support/fake_nvidia_smi.mjs');

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** A child process with its output captured, so a failing test can show it. */
export interface Proc {
  child: ChildProcess;
  output: () => string;
  waitForOutput: (pattern: RegExp, timeoutMs: number) => Promise<void>;
  exited: Promise<number | null>;
}

/** Starts `node <script> ...args` with the given environment. */
export function startNode(script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((res, rej) => {
      const deadline = setTimeout(() => rej(new Error(`timed out waiting for ${pattern} in output:\n${out.slice(-4000)}`)), timeoutMs);
      const check = () => {
        if (pattern.test(out)) {
          clearTimeout(deadline);
          res();
        } else waiters.push(check);
      };
      check();
    });
  return { child, output: () => out, waitForOutput, exited };
}

/** Stops a process with SIGTERM (SIGKILL after the grace period) and resolves with its exit code. */
export async function stopProcess(p: Proc | undefined, graceMs = 15_000): Promise<number | null> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return p?.child.exitCode ?? null;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}

/** JSON over HTTP against the collector. */
export async function api(base: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await fetch(base + path, {
    method: init.method ?? 'GET',
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json, headers: res.headers };
}

/** Polls until `fn` returns a value or the deadline passes. */
export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, stepMs = 100): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return undefined;
}
