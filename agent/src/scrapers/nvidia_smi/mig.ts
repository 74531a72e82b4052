/**
 * MIG devices under their parent GPU: uuid and profile from `-L`, memory from the full query
 * (`-q -x`, or `-q` text when XML is not available). Utilisation stays with the parent, where
 * nvidia-smi reports `[N/A]` for MIG GPUs; it is never invented here.
 */
import type { MigDeviceSample } from '@gpuoptimizer/shared';
import type { ListedGpu } from './list_gpus.js';
import type { DetailGpu, DetailReport } from './query_detail.js';

/** MIG devices per parent GPU uuid. */
export type MigByParent = Map<string, MigDeviceSample[]>;

/** Joins the `-L` list with the full-query report (matched by uuid, then by position). */
export function joinMigDevices(listed: ListedGpu[], detail: DetailReport | null): MigByParent {
  const result: MigByParent = new Map();
  listed.forEach((gpu, position) => {
    if (gpu.migs.length === 0) return;
    const d = findDetail(detail, gpu, position);
    const devices = gpu.migs.map((m): MigDeviceSample => {
      const mem = d?.mig_devices.find((x) => x.index === m.index);
      return {
        uuid: m.uuid,
        index: m.index,
        profile: m.profile,
        memory_total_mib: mem?.memory_total_mib ?? null,
        memory_used_mib: mem?.memory_used_mib ?? null,
      };
    });
    result.set(gpu.uuid, devices);
  });
  return result;
}

function findDetail(detail: DetailReport | null, gpu: ListedGpu, position: number): DetailGpu | undefined {
  if (!detail) return undefined;
  return (
    detail.gpus.find((g) => g.uuid === gpu.uuid) ??
    detail.gpus.find((g) => g.minor_number === gpu.index) ??
    (detail.gpus.length === 1 ? detail.gpus[0] : detail.gpus[position])
  );
}

/** True when a `mig.mode.current` value means MIG is on. */
export function isMigEnabled(mode: string | null | undefined): boolean {
  return typeof mode === 'string' && mode.trim().toLowerCase() === 'enabled';
}
