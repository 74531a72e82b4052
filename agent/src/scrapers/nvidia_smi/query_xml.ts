/**
 * Parses `nvidia-smi -q -x` (schemas v8 to v13 and undeclared ones). Elements move and get
 * renamed between schemas, and contributors trim files, so every lookup tolerates absence;
 * the number of GPUs is the number of `<gpu>` elements, never `attached_gpus`.
 */
import { XMLParser } from 'fast-xml-parser';
import type { DetailGpu, DetailMig, DetailProcess, DetailReport } from './query_detail.js';
import { parseNumber, parseText } from './tokens.js';

type Node = Record<string, unknown>;

const ARRAYS = new Set(['gpu', 'mig_device', 'process_info']);

/** Parses the XML text; throws when it is not an nvidia_smi_log document. */
export function parseQueryXml(xml: string): DetailReport {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    // Values stay text: ids and serials must not become (rounded) numbers.
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(xml) as Node;
  const log = doc.nvidia_smi_log as Node | undefined;
  if (!log || typeof log !== 'object') throw new Error('not an nvidia-smi XML log');
  const gpus = (asArray(log.gpu) as Node[]).map(readGpu);
  return {
    driver_version: text(log.driver_version),
    attached_gpus: parseNumber(text(log.attached_gpus) ?? undefined),
    gpus,
  };
}

function readGpu(gpu: Node): DetailGpu {
  const fb = child(gpu, 'fb_memory_usage');
  return {
    uuid: text(gpu.uuid),
    name: text(gpu.product_name),
    serial: text(gpu.serial),
    pci_bus_id: text(gpu['@id']) ?? text(child(gpu, 'pci').pci_bus_id),
    minor_number: parseNumber(text(gpu.minor_number) ?? undefined),
    vbios_version: text(gpu.vbios_version),
    mig_mode: text(child(gpu, 'mig_mode').current_mig),
    memory_total_mib: parseNumber(text(fb.total) ?? undefined),
    memory_used_mib: parseNumber(text(fb.used) ?? undefined),
    mig_devices: (asArray(child(gpu, 'mig_devices').mig_device) as Node[]).map(readMig),
    processes: (asArray(child(gpu, 'processes').process_info) as Node[]).map(readProcess).filter(isProcess),
  };
}

function readMig(mig: Node): DetailMig {
  const fb = child(mig, 'fb_memory_usage');
  return {
    index: parseNumber(text(mig.index) ?? undefined) ?? -1,
    memory_total_mib: parseNumber(text(fb.total) ?? undefined),
    memory_used_mib: parseNumber(text(fb.used) ?? undefined),
  };
}

function readProcess(p: Node): DetailProcess | null {
  const pid = parseNumber(text(p.pid) ?? undefined);
  if (pid === null) return null;
  return { pid, name: rawText(p.process_name) ?? '', used_memory_mib: parseNumber(text(p.used_memory) ?? undefined) };
}

const isProcess = (p: DetailProcess | null): p is DetailProcess => p !== null;

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

function child(node: Node, name: string): Node {
  const c = node[name];
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as Node) : {};
}

function rawText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string') return ((v as Node)['#text'] as string).trim();
  return null;
}

function text(v: unknown): string | null {
  return parseText(rawText(v) ?? undefined);
}
