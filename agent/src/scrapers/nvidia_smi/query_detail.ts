/**
 * The per-GPU facts that only the full query (`-q -x` XML or `-q` text) carries: MIG devices
 * with their memory, and processes with per-process memory. Both formats map to one shape.
 */

/** A MIG device's memory as the full query reports it (profile and uuid come from `-L`). */
export interface DetailMig {
  index: number;
  memory_total_mib: number | null;
  memory_used_mib: number | null;
}

/** A process from the full query. */
export interface DetailProcess {
  pid: number;
  name: string;
  used_memory_mib: number | null;
}

/** One GPU from the full query. */
export interface DetailGpu {
  uuid: string | null;
  name: string | null;
  serial: string | null;
  pci_bus_id: string | null;
  minor_number: number | null;
  vbios_version: string | null;
  mig_mode: string | null;
  memory_total_mib: number | null;
  memory_used_mib: number | null;
  mig_devices: DetailMig[];
  processes: DetailProcess[];
}

/** The whole full-query document. */
export interface DetailReport {
  driver_version: string | null;
  attached_gpus: number | null;
  gpus: DetailGpu[];
}
