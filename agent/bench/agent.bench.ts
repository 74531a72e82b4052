/**
 * Agent benchmark: the sampler's own CPU time and peak RSS over BENCH_DURATION_S (default 60)
 * at a 1 s interval against an 8-GPU stand-in nvidia-smi, beside the same fields read by
 * spawning nvidia-smi once per sample, in the same run. Each approach runs in its own node
 * child that measures itself (process.cpuUsage, resourceUsage().maxRSS), so the stand-in's CPU
 * (a node script replaying a capture, not the agent) is not counted for either.
 * Last line: key=value figures.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fakeNvidiaSmiPath } from '../test/support/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '..', 'dist', 'scrapers');
const durationS = Number(process.env.BENCH_DURATION_S ?? '60') || 60;
const intervalMs = 1000;
const gpus = 8;

interface Report {
  cpu_us: number;
  measured_s: number;
  max_rss_kib: number;
  samples: number;
  gpus_seen: number;
}

// Runs the real sampler as the agent would, sampling once per interval.
const agentChild = `
import { createSampler } from ${JSON.stringify(pathToFileURL(join(dist, 'sampler.js')).href)};
const [smi, durationS, intervalMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const sampler = createSampler({ agentId: 'bench', agentVersion: '0', nvidiaSmiPath: smi, intervalMs, cloudProvider: 'none', log: () => {} });
await sampler.start();
const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
let samples = 0, gpusSeen = 0;
const timer = setInterval(async () => {
  const doc = await sampler.sample();
  JSON.stringify(doc);
  samples++; gpusSeen = doc.gpus.length;
}, intervalMs);
setTimeout(async () => {
  clearInterval(timer);
  const c = process.cpuUsage(c0);
  const measured_s = Number(process.hrtime.bigint() - t0) / 1e9;
  await sampler.shutdown(2000);
  console.log(JSON.stringify({ cpu_us: c.user + c.system, measured_s, max_rss_kib: process.resourceUsage().maxRSS, samples, gpus_seen: gpusSeen }));
  process.exit(0);
}, durationS * 1000);
`;

// The approach the agent avoids: one nvidia-smi spawn per sample, same fields, same parser.
const spawnChild = `
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createCsvReader, toGpuSample } from ${JSON.stringify(pathToFileURL(join(dist, 'nvidia_smi', 'csv.js')).href)};
import { parseHelpQueryGpu, selectQueryFields } from ${JSON.stringify(pathToFileURL(join(dist, 'nvidia_smi', 'fields.js')).href)};
const run = promisify(execFile);
const [smi, durationS, intervalMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const help = parseHelpQueryGpu((await run(smi, ['--help-query-gpu'])).stdout);
const args = ['--query-gpu=' + selectQueryFields(help).join(','), '--format=csv,nounits'];
const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
let samples = 0, gpusSeen = 0;
const timer = setInterval(async () => {
  const { stdout } = await run(smi, args);
  const reader = createCsvReader(help);
  const rows = stdout.split('\\n').filter(Boolean).map((l) => reader.readLine(l)).filter((r) => r.kind === 'row');
  JSON.stringify(rows.map((r) => toGpuSample(r.row)));
  samples++; gpusSeen = rows.length;
}, intervalMs);
setTimeout(() => {
  clearInterval(timer);
  const c = process.cpuUsage(c0);
  const measured_s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ cpu_us: c.user + c.system, measured_s, max_rss_kib: process.resourceUsage().maxRSS, samples, gpus_seen: gpusSeen }));
  process.exit(0);
}, durationS * 1000);
`;

function runChild(name: string, source: string, smi: string): Promise<Report> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-bench-'));
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [file, smi, String(durationS), String(intervalMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${name} child exited ${code}: ${out}`));
      resolvePromise(JSON.parse(last) as Report);
    });
  });
}

const pct = (r: Report): number => (r.cpu_us / 1e6 / r.measured_s) * 100;
const mib = (r: Report): number => r.max_rss_kib / 1024;

async function main(): Promise<void> {
  if (!existsSync(join(dist, 'sampler.js'))) throw new Error('agent/dist is missing: run `npx tsc -b agent` first');
  const smi = fakeNvidiaSmiPath({ gpus, state: 'load' });
  console.log(`agent bench: ${gpus}-GPU stand-in, ${intervalMs} ms interval, ${durationS} s per approach (both run side by side)`);
  const started = Date.now();
  const progress = setInterval(() => console.log(`  … ${Math.round((Date.now() - started) / 1000)}/${durationS} s`), 10_000);
  const [agent, perSpawn] = await Promise.all([runChild('agent', agentChild, smi), runChild('spawn', spawnChild, smi)]);
  clearInterval(progress);
  const rows = [
    ['approach', 'cpu % of one core', 'peak RSS MiB', 'samples', 'GPUs per sample'],
    ['agent (one -lms loop)', pct(agent).toFixed(2), mib(agent).toFixed(1), String(agent.samples), String(agent.gpus_seen)],
    ['spawn per sample', pct(perSpawn).toFixed(2), mib(perSpawn).toFixed(1), String(perSpawn.samples), String(perSpawn.gpus_seen)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log('targets: agent <= 1 % of one core, <= 80 MiB RSS. Stand-in CPU is excluded from both rows.');
  console.log(
    `agent_cpu_pct=${pct(agent).toFixed(2)} agent_peak_rss_mib=${mib(agent).toFixed(1)} spawn_cpu_pct=${pct(perSpawn).toFixed(2)} spawn_peak_rss_mib=${mib(perSpawn).toFixed(1)} agent_samples=${agent.samples} agent_gpus=${agent.gpus_seen} duration_s=${durationS}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
