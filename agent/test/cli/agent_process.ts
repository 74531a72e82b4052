/** Runs the real `gpuoptimizer-agent` executable (the compiled dist) as a child process. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of the executable shim. */
export const BIN = fileURLToPath(new URL('../../bin/gpuoptimizer-agent.js', import.meta.url));

/** Fails early, and clearly, when the agent has not been compiled. */
export function assertBuilt(): void {
  if (!existsSync(fileURLToPath(new URL('../../dist/main.js', import.meta.url)))) {
    throw new Error('agent/dist/main.js is missing: run `npx tsc -b` before these tests');
  }
}

/** Runs the agent to completion. */
export function runAgentSync(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A running agent with its stderr kept for failure messages. */
export interface AgentChild {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `gpuoptimizer-agent run` with the given environment. */
export function startAgent(env: Record<string, string>, args: string[] = []): AgentChild {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => err, exited };
}
