#!/usr/bin/env node
// `npm start`: the collector on its embedded stores, plus an agent for this host reporting to it.
// Ctrl-C (or SIGTERM) stops the agent first, so it flushes what it can, then the collector.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const env = { ...process.env };
const dataDir = resolve(env.DATA_DIR ?? './data');
const host = env.HOST ?? '127.0.0.1';
const grpcPort = env.GRPC_PORT ?? '50051';
const keyFile = resolve(dataDir, 'local-agent.key');
mkdirSync(dataDir, { recursive: true });
// The collector writes a fresh key file once it is ready: wait for that one, not a stale copy.
rmSync(keyFile, { force: true });

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`npm start — run the GPUOptimizer collector and a local agent

The collector serves the REST API on HOST:PORT (default 127.0.0.1:5000) and gRPC ingest on
GRPC_PORT (50051), with its stores under DATA_DIR (./data). The first start creates the admin
from ADMIN_EMAIL / ADMIN_PASSWORD (or prints a generated password once) and an agent key for
the local agent. Every collector setting: node collector/bin/gpuoptimizer-collector.js serve --help
Every agent setting (GPUOPT_*):         node agent/bin/gpuoptimizer-agent.js run --help
Set GPUOPT_NO_AGENT=1 to run the collector alone.`);
  process.exit(0);
}

const children = new Set();
let stopping = false;

function launch(name, args, extraEnv) {
  // Own process group: a terminal's Ctrl-C reaches only this launcher, which then stops the
  // agent first (so it can flush to a collector that is still up) and the collector after it.
  const child = spawn(process.execPath, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping`);
      void stop(code ?? 1);
    }
  });
  return child;
}

function waitForKey(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolveKey, reject) => {
    const tick = () => {
      if (existsSync(keyFile)) return resolveKey(readFileSync(keyFile, 'utf8').trim());
      if (stopping || Date.now() > deadline) return reject(new Error('the collector did not hand out a local agent key'));
      setTimeout(tick, 100);
    };
    tick();
  });
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const order = [...children].reverse(); // the agent (started last) stops first
  for (const child of order) {
    child.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 15_000);
      child.once('exit', () => { clearTimeout(t); r(); });
    });
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
process.on('SIGTERM', () => void stop(0));

launch('collector', ['collector/bin/gpuoptimizer-collector.js', 'serve', '--local-agent-key-file', keyFile], {});
if (env.GPUOPT_NO_AGENT !== '1') {
  try {
    const key = await waitForKey(120_000);
    const agentHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    launch('agent', ['agent/bin/gpuoptimizer-agent.js', 'run'], {
      GPUOPT_COLLECTOR: env.GPUOPT_COLLECTOR ?? `${agentHost}:${grpcPort}`,
      GPUOPT_API_KEY: key,
      GPUOPT_INSECURE: env.TLS_CERT ? env.GPUOPT_INSECURE ?? '' : '1',
      GPUOPT_BUFFER: env.GPUOPT_BUFFER ?? resolve(dataDir, 'agent-buffer.db'),
      GPUOPT_INTERVAL: env.GPUOPT_INTERVAL ?? '5s',
    });
  } catch (err) {
    console.error(`[start] ${err.message}`);
    await stop(1);
  }
}
