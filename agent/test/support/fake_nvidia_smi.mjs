#!/usr/bin/env node
/**
 * A stand-in nvidia-smi that replays a real capture (a `gpu-exporter-*.txt` file written by
 * nvidia_gpu_exporter's capture script) and misbehaves on demand, for tests and benchmarks.
 *
 * Environment:
 *   FAKE_NVIDIA_SMI_CAPTURE  capture file (default: the H100 capture in agent/test/fixtures)
 *   FAKE_NVIDIA_SMI_STATE    idle | load (default load)
 *   FAKE_NVIDIA_SMI_GPUS     N: replicate the capture's GPU N times (distinct index, uuid, bus id, serial)
 *   FAKE_NVIDIA_SMI_MODE     normal | missing-driver (exit 9) | no-nvml (exit 12) | hang | die-after-N |
 *                            garbage | grow | once (print one block and exit even in loop mode) |
 *                            bad-help (--help-query-gpu prints nothing readable) |
 *                            units (ignore nounits, like a crude stand-in)
 *   FAKE_NVIDIA_SMI_HELP     optional help text file that decides which fields exist (an older driver's list)
 *   FAKE_NVIDIA_SMI_XML      optional `-q -x` file to serve (captures hold only `-q` text)
 *   FAKE_NVIDIA_SMI_PIDFILE  hang mode: write the pid of a forked grandchild here (group-kill tests)
 * Answers: --version, --help-query-gpu, --query-gpu=<fields> --format=csv[,noheader][,nounits]
 * [-lms N | -l N], --query-compute-apps=<fields> --format=..., -L, -q, -q -x.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const capturePath = env.FAKE_NVIDIA_SMI_CAPTURE || join(here, '../fixtures/nvidia-smi/gpu-exporter-linux-h100-80gb-hbm3-590.48.01.txt');
const state = env.FAKE_NVIDIA_SMI_STATE === 'idle' ? 'idle' : 'load';
const gpuCount = Math.max(1, Number(env.FAKE_NVIDIA_SMI_GPUS || '1') || 1);
const mode = env.FAKE_NVIDIA_SMI_MODE || 'normal';
const args = process.argv.slice(2);
const out = (s) => process.stdout.write(s);
// A reader that goes away (the agent killing its side, `| head`) is not an error here.
process.stdout.on('error', () => process.exit(0));

/** Splits a capture into { '<state> :: <section>': body }. */
function readSections(path) {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const bar = '#'.repeat(80);
  const sections = {};
  let name = null;
  let body = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === bar && /^# .+ :: /.test(lines[i + 1] ?? '')) {
      if (name) sections[name] = body.join('\n').replace(/\n+$/, '\n');
      name = lines[i + 1].slice(2).trim();
      let j = i + 2;
      while (j < lines.length && lines[j] !== bar) j++;
      i = j;
      body = [];
    } else if (name) body.push(lines[i]);
  }
  if (name) sections[name] = body.join('\n').replace(/\n+$/, '\n');
  return sections;
}

const sections = readSections(capturePath);
const section = (prefix) => {
  const key = Object.keys(sections).find((k) => k.startsWith(prefix));
  return key === undefined ? null : sections[key];
};

function fail(code, message) {
  out(`${message}\n`);
  process.exit(code);
}

if (mode === 'missing-driver') {
  fail(9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.");
}
if (mode === 'no-nvml') {
  fail(12, "NVIDIA-SMI couldn't find libnvidia-ml.so library in your system. Please make sure that the NVIDIA Display Driver is properly installed and present in your system.\nPlease also try adding directory that contains libnvidia-ml.so to your system PATH.");
}

// Per-replica identity: GPU i gets its own index, uuid, bus id and serial.
const uuidFor = (uuid, i) => (i === 0 ? uuid : uuid.slice(0, -4) + (0x1000 + i).toString(16).slice(-4));
const busFor = (bus, i) => (i === 0 ? bus : bus.replace(/:([0-9A-Fa-f]{2}):/, (_, b) => `:${((parseInt(b, 16) + i) % 256).toString(16).toUpperCase().padStart(2, '0')}:`));
const serialFor = (serial, i) => (i === 0 || serial.startsWith('[') ? serial : serial.slice(0, -3) + String(i).padStart(3, '0'));

/** Help groups: every name → its canonical (first) name. */
function helpAliases(text = env.FAKE_NVIDIA_SMI_HELP ? readFileSync(env.FAKE_NVIDIA_SMI_HELP, 'utf8') : (section('capabilities :: help-query-gpu') ?? '')) {
  const alias = new Map();
  for (const line of text.split('\n')) {
    const m = /^"([^"]+)"((?:\s+or\s+"[^"]+")*)\s*$/.exec(line.trim());
    if (!m) continue;
    const names = [m[1], ...[...m[2].matchAll(/"([^"]+)"/g)].map((x) => x[1])];
    for (const n of names) alias.set(n.toLowerCase(), names.map((x) => x.toLowerCase()));
  }
  return alias;
}

/** The capture's query-gpu table: normalised header → { header, value }. */
function gpuTable() {
  const body = section(`${state} :: query-gpu`) ?? section('load :: query-gpu') ?? section('idle :: query-gpu');
  if (!body) fail(2, 'capture has no query-gpu section');
  const [header, row] = body.split('\n').filter((l) => l.trim() !== '');
  const heads = header.split(',').map((h) => h.trim());
  const vals = row.split(',').map((v) => v.trim());
  const table = new Map();
  heads.forEach((h, i) => table.set(h.replace(/\s*\[[^\]]*\]$/, '').toLowerCase(), { header: h, value: vals[i] ?? '' }));
  return table;
}

function formatFlags() {
  const fmt = (args.find((a) => a.startsWith('--format=')) ?? '--format=csv').slice(9).split(',');
  return { header: !fmt.includes('noheader'), units: mode === 'units' || !fmt.includes('nounits') };
}

function loopMs() {
  const lms = args.indexOf('-lms');
  if (lms >= 0) return Number(args[lms + 1]) || 1000;
  const l = args.indexOf('-l');
  if (l >= 0) return (Number(args[l + 1]) || 1) * 1000;
  const eq = args.find((a) => a.startsWith('--loop-ms=') || a.startsWith('--loop='));
  if (eq) return eq.startsWith('--loop-ms=') ? Number(eq.slice(10)) : Number(eq.slice(7)) * 1000;
  return null;
}

function stripUnit(value, header) {
  const unit = /\[([^\]]+)\]$/.exec(header)?.[1];
  return unit && value.endsWith(` ${unit}`) ? value.slice(0, -unit.length - 1) : value;
}

/** Builds the header line and a row maker for the requested fields; exits 2 on an unknown field. */
function queryGpu(fieldList) {
  const table = gpuTable();
  const aliases = helpAliases();
  // The capture's own help maps an old name to the column its driver printed under a new one.
  const captureAliases = helpAliases(section('capabilities :: help-query-gpu') ?? '');
  const { header, units } = formatFlags();
  const cols = fieldList.map((f) => {
    const name = f.trim().toLowerCase();
    const names = [...(aliases.get(name) ?? [name]), ...(captureAliases.get(name) ?? [])];
    const known = aliases.has(name);
    const hit = known || !env.FAKE_NVIDIA_SMI_HELP ? names.map((n) => table.get(n)).find((x) => x !== undefined) : undefined;
    if (!hit && !known) fail(2, `Field "${f}" is not a valid field to query.\n\nPlease run 'nvidia-smi --help-query-gpu' for more information.`);
    const unit = hit ? /\[[^\]]+\]$/.exec(hit.header)?.[0] : undefined;
    return { name, label: unit ? `${f} ${unit}` : f, hit };
  });
  const row = (i) => {
    let corrupt = mode === 'garbage';
    return cols
      .map(({ name, hit }) => {
        if (!hit) return '[N/A]';
        // Garbage mode: the first numeric cell (one with a unit) of every row becomes unreadable.
        if (corrupt && /\[[^\]]+\]$/.test(hit.header)) {
          corrupt = false;
          return 'hot!';
        }
        let v = units ? hit.value : stripUnit(hit.value, hit.header);
        if (name === 'index') v = String(i);
        else if (name === 'count') v = String(gpuCount);
        else if (/^(gpu_)?uuid$/.test(name)) v = uuidFor(v, i);
        else if (/^(pci\.bus_id|gpu_bus_id)$/.test(name)) v = busFor(v, i);
        else if (/^(gpu_)?serial$/.test(name)) v = serialFor(v, i);
        return v;
      })
      .join(', ');
  };
  return { headerLine: header ? cols.map((c) => c.label).join(', ') : null, row };
}

let ballast = [];
function block(rowOf, n) {
  const lines = [];
  for (let i = 0; i < gpuCount; i++) {
    if (mode === 'garbage' && i === 0) lines.push(`Unable to determine the device handle for GPU${i}: Unknown Error`);
    else lines.push(rowOf(i));
  }
  if (mode === 'grow') ballast.push(Buffer.alloc(16 * 1024 * 1024, n % 256));
  return lines.join('\n') + '\n';
}

function runQueryGpu(fieldArg) {
  const { headerLine, row } = queryGpu(fieldArg.split(','));
  if (headerLine) out(headerLine + '\n');
  const every = loopMs();
  out(block(row, 0));
  if (every === null || mode === 'once') return;
  if (mode === 'hang') return hang();
  const die = /^die-after-(\d+)$/.exec(mode);
  let n = 1;
  setInterval(() => {
    if (die && n >= Number(die[1])) process.exit(1);
    out(block(row, n++));
  }, every);
}

function hang() {
  // A forked grandchild in the same process group: killing the group must take it too.
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  if (env.FAKE_NVIDIA_SMI_PIDFILE) writeFileSync(env.FAKE_NVIDIA_SMI_PIDFILE, `${process.pid} ${grandchild.pid}\n`);
  setInterval(() => {}, 1 << 30);
}

function listGpus() {
  const body = section('capabilities :: list') ?? '';
  const lines = body.split('\n').filter((l) => l.trim() !== '');
  const result = [];
  for (let i = 0; i < gpuCount; i++) {
    for (const l of lines) {
      result.push(
        l.replace(/^GPU \d+:/, `GPU ${i}:`).replace(/\(UUID: (GPU-[^)]+)\)/, (_, u) => `(UUID: ${uuidFor(u, i)})`).replace(/\(UUID: (MIG-[^)]+)\)/, (_, u) => `(UUID: ${uuidFor(u, i)})`),
      );
    }
  }
  out(result.join('\n') + '\n');
}

function computeApps(fieldArg) {
  const body = section(`${state} :: query-compute-apps`) ?? '';
  const [header, ...rows] = body.split('\n').filter((l) => l.trim() !== '');
  if (!header) return;
  const heads = header.split(',').map((h) => h.trim().replace(/\s*\[[^\]]*\]$/, ''));
  const { header: withHeader, units } = formatFlags();
  const want = fieldArg.split(',').map((f) => ({ used_memory: 'used_gpu_memory', name: 'process_name', uuid: 'gpu_uuid' })[f] ?? f);
  if (withHeader) out(want.join(', ') + '\n');
  for (let i = 0; i < gpuCount; i++) {
    for (const r of rows) {
      // The name sits between pid and the last cell and may hold commas: cut around it.
      const cells = r.split(', ');
      const extra = cells.length - heads.length;
      const nameAt = heads.indexOf('process_name');
      const get = (h) => {
        const at = heads.indexOf(h);
        if (h === 'process_name') return cells.slice(nameAt, nameAt + extra + 1).join(', ');
        let v = cells[at > nameAt ? at + extra : at] ?? '[N/A]';
        if (h === 'gpu_uuid') v = uuidFor(v, i);
        if (h === 'pid') v = String(Number(v) + i * 100000);
        if (h === 'used_gpu_memory' && !units) v = v.replace(/ MiB$/, '');
        return v;
      };
      out(want.map(get).join(', ') + '\n');
    }
  }
}

function query() {
  if (args.includes('-x') || args.includes('--xml-format')) {
    if (!env.FAKE_NVIDIA_SMI_XML) fail(2, 'this capture holds no XML query');
    return out(readFileSync(env.FAKE_NVIDIA_SMI_XML, 'utf8'));
  }
  const body = section(`${state} :: query (-q)`) ?? section('idle :: query (-q)');
  if (!body) fail(2, 'this capture holds no -q query');
  out(body);
}

const queryGpuArg = args.find((a) => a.startsWith('--query-gpu='));
const appsArg = args.find((a) => a.startsWith('--query-compute-apps='));
if (args.includes('--version')) out(section('capabilities :: version') ?? 'NVIDIA-SMI version  : unknown\n');
else if (args.includes('--help-query-gpu')) out(mode === 'bad-help' ? 'Segmentation fault?\n' : env.FAKE_NVIDIA_SMI_HELP ? readFileSync(env.FAKE_NVIDIA_SMI_HELP, 'utf8') : (section('capabilities :: help-query-gpu') ?? ''));
else if (queryGpuArg) runQueryGpu(queryGpuArg.slice('--query-gpu='.length));
else if (appsArg) computeApps(appsArg.slice('--query-compute-apps='.length));
else if (args.includes('-L') || args.includes('--list-gpus')) listGpus();
else if (args.includes('-q') || args.includes('--query')) query();
else fail(2, `fake nvidia-smi: unsupported arguments: ${args.join(' ')}`);
