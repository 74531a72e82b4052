/**
 * Parses plain `nvidia-smi -q`: an indented tree of `Key : Value` lines. Sections repeat
 * (`GPU 0000…`, `MIG Device`, one process block per process), so the tree keeps order.
 */
import type { DetailGpu, DetailMig, DetailProcess, DetailReport } from './query_detail.js';
import { parseNumber, parseText } from './tokens.js';

interface TreeNode {
  key: string;
  value: string | null;
  indent: number;
  children: TreeNode[];
}

/** Builds the indentation tree of a `-q` text document. */
function buildTree(text: string): TreeNode {
  const root: TreeNode = { key: '', value: null, indent: -1, children: [] };
  const stack: TreeNode[] = [root];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('==')) continue;
    const indent = line.length - line.trimStart().length;
    const sep = line.indexOf(' : ');
    const key = (sep >= 0 ? line.slice(0, sep) : line).trim();
    const value = sep >= 0 ? line.slice(sep + 3).trim() : line.trimEnd().endsWith(':') ? '' : null;
    const node: TreeNode = { key: key.replace(/:$/, '').trim(), value, indent, children: [] };
    while (stack.length > 1 && (stack[stack.length - 1] as TreeNode).indent >= indent) stack.pop();
    (stack[stack.length - 1] as TreeNode).children.push(node);
    stack.push(node);
  }
  return root;
}

const find = (n: TreeNode, key: string): TreeNode | undefined => n.children.find((c) => c.key.toLowerCase() === key.toLowerCase());
const val = (n: TreeNode | undefined, ...path: string[]): string | null => {
  let cur = n;
  for (const k of path) cur = cur ? find(cur, k) : undefined;
  return parseText(cur?.value ?? undefined);
};
const numVal = (n: TreeNode | undefined, ...path: string[]): number | null => parseNumber(val(n, ...path) ?? undefined);

/** Parses the text; throws when no `GPU <bus id>` section is found and no GPU count either. */
export function parseQueryText(text: string): DetailReport {
  const root = buildTree(text);
  const gpuNodes = root.children.filter((c) => /^GPU\s+[0-9A-Fa-f]+:/.test(c.key));
  const attached = numVal(root, 'Attached GPUs');
  if (gpuNodes.length === 0 && attached === null) throw new Error('not an nvidia-smi -q document');
  return { driver_version: val(root, 'Driver Version'), attached_gpus: attached, gpus: gpuNodes.map(readGpu) };
}

function readGpu(g: TreeNode): DetailGpu {
  return {
    uuid: val(g, 'GPU UUID'),
    name: val(g, 'Product Name'),
    serial: val(g, 'Serial Number'),
    pci_bus_id: g.key.replace(/^GPU\s+/, '').trim(),
    minor_number: numVal(g, 'Minor Number'),
    vbios_version: val(g, 'VBIOS Version'),
    mig_mode: val(g, 'MIG Mode', 'Current'),
    memory_total_mib: numVal(g, 'FB Memory Usage', 'Total'),
    memory_used_mib: numVal(g, 'FB Memory Usage', 'Used'),
    mig_devices: g.children.filter((c) => c.key === 'MIG Device').map(readMig),
    processes: readProcesses(find(g, 'Processes')),
  };
}

function readMig(m: TreeNode): DetailMig {
  // Newer drivers say "Shared FB Memory Usage", older ones "FB Memory Usage".
  const fb = find(m, 'Shared FB Memory Usage') ?? find(m, 'FB Memory Usage');
  return { index: numVal(m, 'Index') ?? -1, memory_total_mib: numVal(fb, 'Total'), memory_used_mib: numVal(fb, 'Used') };
}

function readProcesses(p: TreeNode | undefined): DetailProcess[] {
  if (!p) return [];
  // Flat siblings "Process ID : n" each own their Type/Name/Used GPU Memory as children.
  return p.children
    .filter((c) => c.key === 'Process ID')
    .map((c) => ({ pid: Number(c.value), name: find(c, 'Name')?.value ?? '', used_memory_mib: numVal(c, 'Used GPU Memory') }))
    .filter((x) => Number.isInteger(x.pid));
}
