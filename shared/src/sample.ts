/**
 * The sample document: one instant on one host, as `gpuoptimizer-agent once --json` prints it.
 * The protobuf messages in proto/gpuoptimizer/v1/ingest.proto mirror it field for field.
 * A value the hardware or driver does not report is `null`: unknown, never zero.
 */

export type CloudProvider = 'aws' | 'gcp' | 'azure' | 'on_prem';
export type Lifecycle = 'on_demand' | 'spot';

export interface AgentInfo {
  id: string;
  version: string;
}

export interface HostInfo {
  id: string;
  hostname: string;
  os: string;
  cpu_model: string;
  cpu_cores: number;
  memory_total_mib: number;
  kernel?: string | null;
  load_1m?: number | null;
  memory_used_mib?: number | null;
  cpu_utilization_pct?: number | null;
}

export interface CloudInfo {
  provider: CloudProvider;
  instance_id: string;
  instance_type: string;
  region: string;
  zone: string;
  lifecycle: Lifecycle;
}

export interface MigDeviceSample {
  uuid: string;
  index: number;
  profile: string;
  memory_total_mib: number | null;
  memory_used_mib: number | null;
}

export interface GpuSample {
  uuid: string;
  index: number;
  name: string;
  serial: string | null;
  pci_bus_id: string | null;
  driver_version: string | null;
  mig_mode: string | null;
  utilization_gpu_pct: number | null;
  utilization_memory_pct: number | null;
  memory_total_mib: number | null;
  memory_used_mib: number | null;
  temperature_c: number | null;
  power_draw_w: number | null;
  power_limit_w: number | null;
  sm_clock_mhz: number | null;
  mem_clock_mhz: number | null;
  pstate: string | null;
  fan_speed_pct: number | null;
  ecc_errors_uncorrected: number | null;
  throttle_reasons: string | null;
  ecc_errors_corrected?: number | null;
  energy_consumption_mj?: number | null;
  vbios_version?: string | null;
  power_max_limit_w?: number | null;
  compute_cap?: string | null;
  retired_pages_sbe?: number | null;
  retired_pages_dbe?: number | null;
  remapped_rows_correctable?: number | null;
  remapped_rows_uncorrectable?: number | null;
  memory_free_mib?: number | null;
  encoder_utilization_pct?: number | null;
  decoder_utilization_pct?: number | null;
  parent_uuid?: string | null;
  mig_profile?: string | null;
  mig_devices?: MigDeviceSample[];
}

export interface ProcessSample {
  gpu_uuid: string;
  pid: number;
  name: string;
  used_memory_mib: number | null;
}

export interface SampleDocument {
  /** ISO 8601 UTC instant of the reading. */
  ts: string;
  agent: AgentInfo;
  host: HostInfo;
  cloud: CloudInfo | null;
  gpus: GpuSample[];
  processes: ProcessSample[];
}
