/**
 * Which cloud this machine is, from the DMI files the firmware exposes, so that only that
 * cloud's metadata service is asked and bare metal waits for no time-outs. The rules follow
 * cloud-init's ds-identify. `product_uuid` and `product_serial` are root-only: the
 * world-readable files decide on their own where they can.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A cloud the DMI files point at. */
export type DmiCloud = 'aws' | 'gcp' | 'azure';

/** Azure's fixed chassis asset tag (Hyper-V hosts off Azure do not carry it). */
const AZURE_ASSET_TAG = '7783-7084-3265-9085-8269-3286-77';

const read = async (path: string): Promise<string> => (await readFile(path, 'utf8').catch(() => '')).trim();

/** Reads the DMI directory (and the Xen hypervisor uuid) and names the cloud, or null. */
export async function detectCloudFromDmi(dmiDir: string, hypervisorUuidPath: string): Promise<DmiCloud | null> {
  const f = async (name: string): Promise<string> => read(join(dmiDir, name));
  const [vendor, product, assetTag, boardVendor, productUuid, serial, xenUuid] = await Promise.all([
    f('sys_vendor'),
    f('product_name'),
    f('chassis_asset_tag'),
    f('board_vendor'),
    f('product_uuid'),
    f('product_serial'),
    read(hypervisorUuidPath),
  ]);
  if (assetTag === AZURE_ASSET_TAG) return 'azure';
  if (product === 'Google Compute Engine' || vendor === 'Google' || serial.startsWith('GoogleCloud-')) return 'gcp';
  if (vendor === 'Amazon EC2' || boardVendor === 'Amazon EC2') return 'aws';
  if (/^ec2/i.test(xenUuid) || isEc2Uuid(productUuid)) return 'aws';
  return null;
}

/** EC2 uuids start with "ec2", or do so once the first group's bytes are swapped back. */
function isEc2Uuid(uuid: string): boolean {
  if (/^ec2/i.test(uuid)) return true;
  const first = /^([0-9a-f]{8})-/i.exec(uuid)?.[1];
  if (!first) return false;
  const swapped = first.match(/../g)?.reverse().join('') ?? '';
  return /^ec2/i.test(swapped);
}
