import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CatalogError,
  bundledCatalogPath,
  catalogInstanceType,
  gpuClassRank,
  gpuModelFromName,
  loadCatalog,
  validateCatalogCsv,
} from '../src/catalog.js';

const HEADER = 'provider,instance_type,gpu_model,gpu_count,gpu_memory_gib_per_gpu,vcpus,memory_gib,region,on_demand_usd_per_hour,spot_usd_per_hour,source';
const GOOD = 'aws,g5.xlarge,A10G,1,24,4,16,us-east-1,1.006,0.4246,test';

describe('bundled catalog', () => {
  const catalog = loadCatalog();

  it('holds the 104 rows SOURCES.md describes, per provider', () => {
    expect(catalog.rows).toHaveLength(104);
    const count = (p: string) => catalog.rows.filter((r) => r.provider === p).length;
    expect([count('aws'), count('gcp'), count('azure')]).toEqual([39, 42, 23]);
  });

  it('reports its identity: file, sha256 of the bytes, row count, unknown capture date', () => {
    const text = readFileSync(bundledCatalogPath(), 'utf8');
    expect(catalog.identity).toEqual({
      file: 'gpu-instances.csv',
      sha256: createHash('sha256').update(text).digest('hex'),
      rows: 104,
      captured_at: null,
    });
  });

  it('prices known instances as the CSV states', () => {
    expect(catalog.find('aws', 'p4d.24xlarge', 'us-east-1')).toMatchObject({
      gpu_model: 'A100', gpu_count: 8, gpu_memory_gib_per_gpu: 40, on_demand_usd_per_hour: 21.957642, spot_usd_per_hour: 2.4655,
    });
    expect(catalog.find('gcp', 'a2-highgpu-2g', 'us-central1')?.on_demand_usd_per_hour).toBe(7.34677);
    expect(catalog.find('azure', 'Standard_NC24ads_A100_v4', 'eastus')?.spot_usd_per_hour).toBe(0.444433);
    expect(catalog.find('azure', 'Standard_ND96isr_H100_v5')?.gpu_count).toBe(8);
  });

  it('keeps withheld prices empty (null), never zero', () => {
    expect(catalog.find('gcp', 'a3-highgpu-8g', 'us-central1')?.on_demand_usd_per_hour).toBeNull();
    expect(catalog.find('gcp', 'a3-highgpu-8g', 'us-east4')?.on_demand_usd_per_hour).toBe(87.83247);
    expect(catalog.find('aws', 'p5.4xlarge')?.spot_usd_per_hour).toBeNull();
  });

  it('answers hasInstanceType, including GCP N1 machine types with attached GPUs', () => {
    expect(catalog.hasInstanceType('aws', 'g6.xlarge')).toBe(true);
    expect(catalog.hasInstanceType('aws', 'g5g.xlarge')).toBe(false);
    expect(catalog.hasInstanceType('gcp', 'n1-highmem-8')).toBe(true);
    expect(catalog.hasInstanceType('azure', 'g6.xlarge')).toBe(false);
  });

  it('lists candidates of one provider and region only', () => {
    const candidates = catalog.candidates('gcp', 'us-east5');
    expect(candidates.map((r) => r.instance_type).sort()).toEqual(['a2-ultragpu-1g', 'a2-ultragpu-2g', 'a2-ultragpu-4g', 'a2-ultragpu-8g']);
  });

  it('knows the class of every GPU model it sells', () => {
    for (const row of catalog.rows) expect(gpuClassRank(row.gpu_model), row.gpu_model).toBeDefined();
  });
});

describe('GPU classes', () => {
  it('ranks T4 < A10G = L4 < V100 < A100 < A100-80GB < H100 < H200 < B200', () => {
    const ranks = ['T4', 'A10G', 'V100', 'A100', 'A100-80GB', 'H100', 'H200', 'B200'].map((m) => gpuClassRank(m) ?? 0);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
    expect(gpuClassRank('L4')).toBe(gpuClassRank('A10G'));
  });

  it('maps nvidia-smi names to catalog models', () => {
    expect(gpuModelFromName('NVIDIA A100-SXM4-40GB')).toBe('A100');
    expect(gpuModelFromName('NVIDIA A100-SXM4-80GB')).toBe('A100-80GB');
    expect(gpuModelFromName('NVIDIA A100 80GB PCIe')).toBe('A100-80GB');
    expect(gpuModelFromName('NVIDIA A100-PCIE', 81920)).toBe('A100-80GB');
    expect(gpuModelFromName('NVIDIA A10G')).toBe('A10G');
    expect(gpuModelFromName('NVIDIA A10')).toBe('A10');
    expect(gpuModelFromName('Tesla T4')).toBe('T4');
    expect(gpuModelFromName('Tesla V100-SXM2-32GB')).toBe('V100-32GB');
    expect(gpuModelFromName('NVIDIA H100 80GB HBM3')).toBe('H100');
    expect(gpuModelFromName('NVIDIA L4')).toBe('L4');
    expect(gpuModelFromName('NVIDIA L40S')).toBe('L40S');
    expect(gpuModelFromName('NVIDIA GeForce RTX 4090')).toBeNull();
  });

  it('names GCP N1 rows from machine type, GPU model and count', () => {
    expect(catalogInstanceType('gcp', 'n1-highmem-8', 'T4', 2)).toBe('n1-highmem-8+nvidia-tesla-t4:2');
    expect(catalogInstanceType('gcp', 'a2-highgpu-1g', 'A100', 1)).toBe('a2-highgpu-1g');
    expect(catalogInstanceType('aws', 'n1-anything', 'T4', 1)).toBe('n1-anything');
  });
});

describe('catalog validation', () => {
  it('accepts a good file and reports its identity', () => {
    const result = validateCatalogCsv(`${HEADER}\n${GOOD}\n`, 'new.csv');
    expect(result.ok).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.identity).toMatchObject({ file: 'new.csv', rows: 1, captured_at: null });
  });

  it('names the line and column of a bad cell', () => {
    const bad = 'aws,g5.2xlarge,A10G,two,24,8,32,us-east-1,1.212,0.4738,test';
    const result = validateCatalogCsv(`${HEADER}\n${GOOD}\n${bad}\n`, 'new.csv');
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual(['new.csv line 3, column "gpu_count": expected a positive integer, got "two"']);
    expect(() => loadCatalog(`${HEADER}\n${GOOD}\n${bad}\n`, { fileName: 'new.csv' })).toThrow(
      /new\.csv line 3, column "gpu_count"/,
    );
  });

  it('rejects negative prices, unknown providers, short lines, duplicates and missing columns', () => {
    const text = [
      HEADER,
      GOOD,
      'aws,g5.2xlarge,A10G,1,24,8,32,us-east-1,-1,,test',
      'oracle,BM.GPU4.8,A100,8,40,64,2048,us-ashburn-1,27,,test',
      'aws,g5.4xlarge,A10G,1,24',
      GOOD,
    ].join('\n');
    const result = validateCatalogCsv(text, 'x.csv');
    expect(result.issues.map((i) => [i.line, i.column])).toEqual([
      [3, 'on_demand_usd_per_hour'],
      [4, 'provider'],
      [5, null],
      [6, 'instance_type'],
    ]);
    expect(result.errors[3]).toContain('duplicate of line 2');
    const noSpot = validateCatalogCsv(HEADER.replace(',spot_usd_per_hour', '') + '\n');
    expect(noSpot.errors).toEqual(['catalog.csv line 1, column "spot_usd_per_hour": header lacks the "spot_usd_per_hour" column']);
  });

  it('throws a CatalogError with the issues for an empty file', () => {
    try {
      loadCatalog('');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogError);
      expect((error as CatalogError).issues[0]?.message).toBe('the file is empty');
    }
  });

  it('reads quoted fields and columns in any order, and warns about unknown GPU models', () => {
    const reordered = 'source,provider,instance_type,gpu_model,gpu_count,gpu_memory_gib_per_gpu,vcpus,memory_gib,region,on_demand_usd_per_hour,spot_usd_per_hour';
    const row = '"a, quoted ""note""",aws,x9.large,GB300,4,288,64,512,us-east-1,40,50';
    const result = validateCatalogCsv(`${reordered}\r\n${row}\r\n`);
    expect(result.ok).toBe(true);
    expect(result.warnings).toHaveLength(2);
    expect(loadCatalog(`${reordered}\n${row}`).rows[0]?.source).toBe('a, quoted "note"');
  });
});
