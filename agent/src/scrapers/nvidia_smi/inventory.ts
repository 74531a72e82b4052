/**
 * Inventory (the facts that change only on a driver update, a reconfiguration or a swap) is
 * logged when a GPU is first seen and whenever it changes; a MIG mode change also re-reads
 * the MIG devices. Energy is integrated from power draw here when the driver reports no counter.
 */
import type { GpuRow } from './csv.js';

const INVENTORY_KEYS = [
  'name',
  'serial',
  'pci_bus_id',
  'driver_version',
  'vbios_version',
  'power_limit_w',
  'power_max_limit_w',
  'compute_cap',
  'mig_mode',
] as const;

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** Per-GPU inventory and energy tracking. */
export interface Inventory {
  observe(row: GpuRow, atMs: number): void;
  /** Energy in mJ integrated from power draw since the source started; null before two readings. */
  energyMj(uuid: string): number | null;
}

/** Creates the tracker; `onChange` runs when a known GPU's inventory changes. */
export function createInventory(log: Log, onChange: () => void): Inventory {
  const seen = new Map<string, string>();
  const energy = new Map<string, { at: number; watts: number; mj: number | null }>();

  function observeInventory(uuid: string, row: GpuRow): void {
    const facts = Object.fromEntries(INVENTORY_KEYS.map((k) => [k, row[k] ?? null]));
    const signature = JSON.stringify(facts);
    const before = seen.get(uuid);
    if (before === signature) return;
    seen.set(uuid, signature);
    log('info', before === undefined ? 'GPU found' : 'GPU inventory changed', { uuid, index: row.index, ...facts });
    if (before !== undefined) onChange();
  }

  function observeEnergy(uuid: string, row: GpuRow, at: number): void {
    const watts = typeof row.power_draw_w === 'number' ? row.power_draw_w : null;
    if (watts === null) return;
    const prev = energy.get(uuid);
    if (!prev) return void energy.set(uuid, { at, watts, mj: null });
    // Trapezoid rule; W × ms = mJ. A gap longer than a minute is not bridged.
    const dt = at - prev.at;
    const add = dt > 0 && dt <= 60_000 ? ((prev.watts + watts) / 2) * dt : 0;
    energy.set(uuid, { at, watts, mj: (prev.mj ?? 0) + add });
  }

  return {
    observe(row, at) {
      const uuid = row.uuid as string;
      observeInventory(uuid, row);
      observeEnergy(uuid, row, at);
    },
    energyMj: (uuid) => {
      const mj = energy.get(uuid)?.mj;
      return mj === undefined || mj === null ? null : Math.round(mj);
    },
  };
}
