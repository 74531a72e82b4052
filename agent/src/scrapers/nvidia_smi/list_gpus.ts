/**
 * Parses `nvidia-smi -L`: one line per GPU, and on MIG GPUs one indented line per MIG device
 * (`  MIG 3g.40gb     Device  0: (UUID: MIG-…)`; drivers before 470 print `MIG-GPU-…/gi/ci`).
 */

/** A MIG device as `-L` names it. */
export interface ListedMig {
  index: number;
  profile: string;
  uuid: string;
}

/** A GPU as `-L` names it, with its MIG devices. */
export interface ListedGpu {
  index: number;
  name: string;
  uuid: string;
  migs: ListedMig[];
}

const GPU_LINE = /^GPU\s+(\d+):\s+(.*?)\s+\(UUID:\s*([^)\s]+)\s*\)/;
const MIG_LINE = /^\s+MIG\s+(\S+)\s+Device\s+(\d+):\s+\(UUID:\s*([^)\s]+)\s*\)/;

/** Parses `-L` output; lines it does not recognise are skipped. */
export function parseGpuList(text: string): ListedGpu[] {
  const gpus: ListedGpu[] = [];
  for (const line of text.split(/\r?\n/)) {
    const g = GPU_LINE.exec(line);
    if (g) {
      gpus.push({ index: Number(g[1]), name: g[2] ?? '', uuid: g[3] ?? '', migs: [] });
      continue;
    }
    const m = MIG_LINE.exec(line);
    const parent = gpus[gpus.length - 1];
    if (m && parent) parent.migs.push({ profile: m[1] ?? '', index: Number(m[2]), uuid: m[3] ?? '' });
  }
  return gpus;
}
