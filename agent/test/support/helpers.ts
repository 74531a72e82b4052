/**
 * Test helpers around the stand-in nvidia-smi: a path to run it by (an executable wrapper
 * that pins the environment, since the agent is only ever given a path), and fixture paths.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Path of the stand-in script. */
export const FAKE_NVIDIA_SMI = join(here, 'fake_nvidia_smi.mjs');

/** Path of a fixture file under agent/test/fixtures. */
export function fixturePath(...parts: string[]): string {
  return join(here, '..', 'fixtures', ...parts);
}

/** Settings of the stand-in, as its FAKE_NVIDIA_SMI_* variables. */
export interface FakeSmiSettings {
  capture?: string;
  state?: 'idle' | 'load';
  gpus?: number;
  mode?: string;
  xml?: string;
  help?: string;
  pidFile?: string;
}

/** Writes an executable shell wrapper that runs the stand-in with these settings; returns its path. */
export function fakeNvidiaSmiPath(settings: FakeSmiSettings = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-smi-'));
  const vars: Record<string, string | undefined> = {
    FAKE_NVIDIA_SMI_CAPTURE: settings.capture,
    FAKE_NVIDIA_SMI_STATE: settings.state,
    FAKE_NVIDIA_SMI_GPUS: settings.gpus === undefined ? undefined : String(settings.gpus),
    FAKE_NVIDIA_SMI_MODE: settings.mode,
    FAKE_NVIDIA_SMI_XML: settings.xml,
    FAKE_NVIDIA_SMI_HELP: settings.help,
    FAKE_NVIDIA_SMI_PIDFILE: settings.pidFile,
  };
  const exports = Object.entries(vars)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `export ${k}='${String(v).replace(/'/g, `'\\''`)}'`)
    .join('\n');
  const path = join(dir, 'nvidia-smi');
  // exec keeps one pid: the agent's memory check and group kill see the stand-in itself.
  writeFileSync(path, `#!/bin/sh\n${exports}\nexec '${process.execPath}' '${FAKE_NVIDIA_SMI}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}
