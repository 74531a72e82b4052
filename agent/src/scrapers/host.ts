/**
 * The host source. Static facts (id, hostname, OS, kernel, CPU model, cores, memory total) are
 * read once; each sample then reads only the cheap dynamic ones (load, memory used, CPU busy),
 * from os and /proc, so the agent's own CPU stays negligible.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { HostInfo } from '@gpuoptimizer/shared';
import si from 'systeminformation';

/** Where the host facts come from; tests point these at temp files. */
export interface HostSourceOptions {
  machineIdPaths?: string[];
  osReleasePath?: string;
  meminfoPath?: string;
}

/** The host source: call `read()` for each sample. */
export interface HostSource {
  read(): Promise<HostInfo>;
}

type StaticHost = Omit<HostInfo, 'load_1m' | 'memory_used_mib' | 'cpu_utilization_pct'>;

const DEFAULT_MACHINE_ID_PATHS = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

/** Creates the host source; static facts are read on first use and cached. */
export function createHostSource(opts: HostSourceOptions = {}): HostSource {
  let facts: Promise<StaticHost> | null = null;
  let lastCpu = cpuTimes();
  let lastBusyPct: number | null = null;
  return {
    async read() {
      facts ??= readStatic(opts);
      const base = await facts;
      const now = cpuTimes();
      // Two reads within one clock tick see no change: keep the last figure rather than report null.
      if (now.total > lastCpu.total) {
        lastBusyPct = round2((100 * (now.busy - lastCpu.busy)) / (now.total - lastCpu.total));
        lastCpu = now;
      }
      return {
        ...base,
        load_1m: round2(os.loadavg()[0] ?? 0),
        memory_used_mib: await readMemoryUsedMib(opts.meminfoPath ?? '/proc/meminfo'),
        cpu_utilization_pct: lastBusyPct,
      };
    },
  };
}

async function readStatic(opts: HostSourceOptions): Promise<StaticHost> {
  const [osName, cpu, id] = await Promise.all([
    readOsName(opts.osReleasePath ?? '/etc/os-release'),
    si.cpu().catch(() => null),
    readHostId(opts.machineIdPaths ?? DEFAULT_MACHINE_ID_PATHS),
  ]);
  const cpus = os.cpus();
  const model = cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : (cpus[0]?.model ?? 'unknown');
  return {
    id,
    hostname: os.hostname(),
    os: osName,
    cpu_model: model || (cpus[0]?.model ?? 'unknown'),
    cpu_cores: cpu?.cores || cpus.length,
    memory_total_mib: Math.round(os.totalmem() / 1048576),
    kernel: os.release(),
  };
}

/** "Ubuntu 22.04" from os-release's NAME and VERSION_ID; systeminformation where there is none. */
export async function readOsName(osReleasePath: string): Promise<string> {
  try {
    const text = await readFile(osReleasePath, 'utf8');
    const get = (k: string): string | undefined => new RegExp(`^${k}=("?)(.*)\\1$`, 'm').exec(text)?.[2];
    const name = get('NAME');
    if (name) return [name, get('VERSION_ID')].filter(Boolean).join(' ');
  } catch {
    // not Linux, or a minimal image: ask systeminformation
  }
  const info = await si.osInfo().catch(() => null);
  return info ? `${info.distro} ${info.release}`.trim() : `${os.type()} ${os.release()}`;
}

/** A stable host id: the machine id, else systeminformation's hardware/OS uuid, else the hostname. */
export async function readHostId(paths: string[]): Promise<string> {
  for (const p of paths) {
    const id = (await readFile(p, 'utf8').catch(() => '')).trim();
    if (/^[0-9a-f-]{16,}$/i.test(id)) return id;
  }
  const uuid = await si.uuid().catch(() => null);
  return uuid?.os || uuid?.hardware || os.hostname();
}

/** Memory in use (total minus available), as `free` counts it. */
async function readMemoryUsedMib(meminfoPath: string): Promise<number> {
  const text = await readFile(meminfoPath, 'utf8').catch(() => null);
  const kb = (k: string): number | null => {
    const m = text ? new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text) : null;
    return m?.[1] ? Number(m[1]) : null;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  if (total !== null && available !== null) return Math.round((total - available) / 1024);
  return Math.round((os.totalmem() - os.freemem()) / 1048576);
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
