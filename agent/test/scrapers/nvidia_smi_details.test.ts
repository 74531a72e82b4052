/**
 * Guarantee: processes, `-L`, `-q -x` and `-q` from real captures parse to the right GPUs,
 * MIG devices and processes: GPU count is the number of <gpu> elements (not attached_gpus),
 * names with commas and Windows paths survive, `[N/A]` memory stays null.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGpuList } from '../../src/scrapers/nvidia_smi/list_gpus.js';
import { joinMigDevices } from '../../src/scrapers/nvidia_smi/mig.js';
import { parseComputeApps } from '../../src/scrapers/nvidia_smi/processes.js';
import { parseQueryText } from '../../src/scrapers/nvidia_smi/query_text.js';
import { parseQueryXml } from '../../src/scrapers/nvidia_smi/query_xml.js';
import { readCaptureSections, section } from '../support/captures.js';
import { fixturePath } from '../support/helpers.js';

const dir = fixturePath('nvidia-smi');
const read = (f: string) => readFileSync(fixturePath('nvidia-smi', f), 'utf8');
const captures = (f: string) => readCaptureSections(fixturePath('nvidia-smi', f));

describe('compute-apps', () => {
  // [file, state, rows, first name, first memory]
  const cases: [string, string, number, string, number | null][] = [
    ['gpu-exporter-linux-h100-80gb-hbm3-590.48.01.txt', 'idle', 0, '', null],
    ['gpu-exporter-linux-h100-80gb-hbm3-590.48.01.txt', 'load', 3, '/root/tools/memhog', 2566],
    ['gpu-exporter-linux-h100-mig-590.48.01.txt', 'load', 3, '/root/tools/memhog', 2296],
    ['gpu-exporter-linux-rtx2080super-595.71.05.txt', 'load', 2, 'ffmpeg', 370],
    ['gpu-exporter-linux-rtx2080super-610.57.04.txt', 'load', 2, 'ffmpeg', 370],
    ['gpu-exporter-linux-rtx4080super-595.71.05.txt', 'idle', 1, '/usr/bin/kwin_wayland', 25],
    ['gpu-exporter-linux-rtx4080super-595.71.05.txt', 'load', 3, '/usr/bin/kwin_wayland', 25],
    ['gpu-exporter-windows-rtx2080super-591.86.txt', 'idle', 10, 'C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\TextInputHost.exe', null],
  ];
  for (const [file, state, count, name, mem] of cases) {
    it(`${file} ${state}: ${count} rows`, () => {
      const { processes, badLines } = parseComputeApps(section(captures(file), `${state} :: query-compute-apps`));
      expect(badLines).toBe(0);
      expect(processes).toHaveLength(count);
      if (count === 0) return;
      expect(processes[0]).toMatchObject({ gpu_uuid: 'GPU-00000000-0000-0000-0000-000000000000', name, used_memory_mib: mem });
      expect(processes.every((p) => Number.isInteger(p.pid) && p.pid > 0)).toBe(true);
    });
  }
  it('keeps Windows paths with spaces and every WDDM memory null', () => {
    const { processes } = parseComputeApps(section(captures('gpu-exporter-windows-rtx2080super-591.86.txt'), 'load :: query-compute-apps'));
    expect(processes.length).toBeGreaterThanOrEqual(10);
    expect(processes.map((p) => p.name)).toContain('C:\\Program Files\\NVIDIA Corporation\\NVIDIA GeForce Experience\\NVIDIA Share.exe');
    expect(processes.every((p) => p.used_memory_mib === null)).toBe(true);
  });
  it('keeps commas inside process names (noheader, nounits, as the agent asks)', () => {
    const text = 'GPU-a, 4242, python train.py --lr=0.1,0.2, 30500\nGPU-b, 7, C:\\Program Files\\a, b\\x.exe, [N/A]\n';
    expect(parseComputeApps(text).processes).toEqual([
      { gpu_uuid: 'GPU-a', pid: 4242, name: 'python train.py --lr=0.1,0.2', used_memory_mib: 30500 },
      { gpu_uuid: 'GPU-b', pid: 7, name: 'C:\\Program Files\\a, b\\x.exe', used_memory_mib: null },
    ]);
  });
  it('counts unreadable lines and skips "No running processes found"', () => {
    expect(parseComputeApps('No running processes found\nnonsense\n')).toEqual({ processes: [], badLines: 1 });
  });
});

describe('-L', () => {
  it('lists the MIG devices under their parent', () => {
    const gpus = parseGpuList(section(captures('gpu-exporter-linux-h100-mig-590.48.01.txt'), 'capabilities :: list'));
    expect(gpus).toHaveLength(1);
    expect(gpus[0]?.name).toBe('NVIDIA H100 80GB HBM3');
    expect(gpus[0]?.migs.map((m) => m.profile)).toEqual(['3g.40gb', '2g.20gb', '1g.10gb', '1g.10gb']);
    expect(gpus[0]?.migs[3]).toEqual({ profile: '1g.10gb', index: 3, uuid: 'MIG-00000003-0000-0000-0000-000000000003' });
  });
  it('reads the old MIG-GPU-…/gi/ci uuid form', () => {
    const gpus = parseGpuList('GPU 0: A100-SXM4-40GB (UUID: GPU-5d5ba0d6-d33d-2b2c-524d-9e3d8d2b8a77)\n  MIG 1g.5gb Device 0: (UUID: MIG-GPU-5d5ba0d6-d33d-2b2c-524d-9e3d8d2b8a77/7/0)\n');
    expect(gpus[0]?.migs[0]?.uuid).toBe('MIG-GPU-5d5ba0d6-d33d-2b2c-524d-9e3d8d2b8a77/7/0');
  });
});

// [file, name of the first GPU, its memory total, processes on it, MIG devices on it]
const XML_CASES: [string, string, number, number, number][] = [
  ['pai-gtx1070-x2.xml', 'GeForce GTX 1070', 8112, 3, 0],
  ['pai-tesla-k80-x4.xml', 'Tesla K80', 11441, 1, 0],
  ['telegraf-a100-sxm4-80gb-mig-v12.xml', 'NVIDIA A100-SXM4-80GB', 81920, 0, 4],
  ['telegraf-a10g.xml', 'NVIDIA A10G', 23028, 1, 0],
  ['telegraf-dual-rtx-a5000-v13.xml', 'NVIDIA RTX A5000', 24564, 1, 0],
  ['telegraf-dual-rtx2080-v13.xml', 'NVIDIA GeForce RTX 2080', 8192, 0, 0],
  ['telegraf-grid-p4-1q-vgpu.xml', 'GRID P4-1Q', 1024, 13, 0],
  ['telegraf-gtx-1070-ti-excerpt.xml', 'GeForce GTX 1070 Ti', 4096, 0, 0],
  ['telegraf-gtx-1660-ti.xml', 'Graphics Device', 5912, 0, 0],
  ['telegraf-quadro-p2000-v12.xml', 'Quadro P2000', 5120, 0, 0],
  ['telegraf-quadro-p400.xml', 'Quadro P400', 1998, 0, 0],
  ['telegraf-rtx-pro-6000-blackwell-maxq-v13.xml', 'NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition', 97887, 1, 0],
  ['telegraf-rtx3060-v12.xml', 'NVIDIA GeForce RTX 3060', 12288, 0, 0],
  ['telegraf-rtx3080-v12.xml', 'NVIDIA GeForce RTX 3080', 10240, 5, 0],
  ['telegraf-rtx3080-v13.xml', 'NVIDIA GeForce RTX 3080', 10240, 0, 0],
  ['telegraf-rtx3090-v12.xml', 'NVIDIA GeForce RTX 3090', 24576, 0, 0],
  ['telegraf-rtx3090-v13.xml', 'NVIDIA GeForce RTX 3090', 24576, 0, 0],
  ['telegraf-rtx4000-sff-ada-v13.xml', 'NVIDIA RTX 4000 SFF Ada Generation', 20475, 4, 0],
  ['telegraf-tesla-t4.xml', 'Tesla T4', 15360, 2, 0],
];

describe('-q -x of every XML capture', () => {
  it('covers every XML file in the fixtures', () => {
    expect(XML_CASES.map((c) => c[0]).sort()).toEqual(readdirSync(dir).filter((f) => f.endsWith('.xml')).sort());
  });
  for (const [file, name, memTotal, procs, migs] of XML_CASES) {
    it(file, () => {
      const xml = read(file);
      const report = parseQueryXml(xml);
      expect(report.gpus).toHaveLength((xml.match(/<gpu[\s>]/g) ?? []).length);
      const gpu = report.gpus[0];
      expect(gpu?.name).toBe(name);
      expect(gpu?.memory_total_mib).toBe(memTotal);
      expect(gpu?.uuid).toMatch(/^GPU-/);
      expect(gpu?.processes).toHaveLength(procs);
      expect(gpu?.mig_devices).toHaveLength(migs);
    });
  }
  it('does not trust attached_gpus when contributors cut GPUs out', () => {
    expect(parseQueryXml(read('pai-gtx1070-x2.xml'))).toMatchObject({ attached_gpus: 6, driver_version: '384.66' });
    expect(parseQueryXml(read('pai-gtx1070-x2.xml')).gpus).toHaveLength(2);
    expect(parseQueryXml(read('telegraf-a100-sxm4-80gb-mig-v12.xml')).gpus).toHaveLength(1);
  });
  it('reads MIG memory and null WDDM process memory', () => {
    const a100 = parseQueryXml(read('telegraf-a100-sxm4-80gb-mig-v12.xml')).gpus[0];
    expect(a100?.mig_mode).toBe('Enabled');
    expect(a100?.mig_devices[0]).toEqual({ index: 0, memory_total_mib: 19968, memory_used_mib: 12 });
    const grid = parseQueryXml(read('telegraf-grid-p4-1q-vgpu.xml')).gpus[0];
    expect(grid?.processes[0]).toEqual({ pid: 1188, name: '', used_memory_mib: null });
  });
  it('keeps the K80 PCI domains of an Azure VM and the out-of-order GPUs', () => {
    const k80 = parseQueryXml(read('pai-tesla-k80-x4.xml')).gpus;
    expect(k80.map((g) => g.pci_bus_id)).toEqual(['00001580:00:00.0', '00002DF7:00:00.0', '00004968:00:00.0', '0000F8D6:00:00.0']);
  });
  it('rejects a document that is not an nvidia-smi log', () => {
    expect(() => parseQueryXml('<html><body>no</body></html>')).toThrow();
  });
});

describe('-q text', () => {
  it('reads the 8x H100 HGX capture', () => {
    const report = parseQueryText(read('gpud-h100-x8-query-q.txt'));
    expect(report.driver_version).toBe('535.161.08');
    expect(report.gpus).toHaveLength(8);
    expect(report.gpus[0]).toMatchObject({ name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-ee7954ec-da95-fd7a-ddfd-c6b32cc2f8aa', serial: '1650124031592', memory_total_mib: 81559, mig_mode: 'Disabled', pci_bus_id: '00000000:19:00.0' });
    expect(report.gpus[7]?.uuid).toBe('GPU-b0fe4996-1f7c-91f6-0ccd-08ae3b7e23c5');
  });
  it('reads MIG devices and processes from the H100 MIG capture', () => {
    const gpu = parseQueryText(section(captures('gpu-exporter-linux-h100-mig-590.48.01.txt'), 'load :: query (-q)')).gpus[0];
    expect(gpu?.mig_mode).toBe('Enabled');
    expect(gpu?.mig_devices.map((m) => m.memory_total_mib)).toEqual([40448, 20096, 9984, 9984]);
    expect(gpu?.mig_devices[0]?.memory_used_mib).toBe(11091);
    expect(gpu?.processes.map((p) => p.pid)).toEqual([21180, 21181, 21198]);
    expect(gpu?.processes[2]).toEqual({ pid: 21198, name: './gpu_burn', used_memory_mib: 7484 });
  });
  it('joins -L and -q into MIG devices with profile, uuid and memory', () => {
    const c = captures('gpu-exporter-linux-h100-mig-590.48.01.txt');
    const joined = joinMigDevices(parseGpuList(section(c, 'capabilities :: list')), parseQueryText(section(c, 'load :: query (-q)')));
    expect(joined.get('GPU-00000000-0000-0000-0000-000000000000')?.[1]).toEqual({ uuid: 'MIG-00000001-0000-0000-0000-000000000001', index: 1, profile: '2g.20gb', memory_total_mib: 20096, memory_used_mib: 17 });
  });
  it('reads the -q section of every gpu-exporter capture', () => {
    for (const f of readdirSync(dir).filter((x) => /^gpu-exporter-(linux|windows)/.test(x))) {
      const report = parseQueryText(section(captures(f), 'idle :: query (-q)'));
      expect(report.gpus, f).toHaveLength(1);
      expect(report.gpus[0]?.name, f).toMatch(/^NVIDIA /);
    }
  });
});
