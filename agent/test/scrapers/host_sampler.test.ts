/**
 * Guarantee: the host part carries a stable id and the OS as "Name Version", and the sampler
 * composes host, cloud and GPU readings into one sample document — host-only when nvidia-smi
 * is missing — and shuts down idempotently.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostSource, readHostId, readOsName } from '../../src/scrapers/host.js';
import { createSampler } from '../../src/scrapers/sampler.js';
import type { Sampler, SamplerOptions } from '../../src/scrapers/types.js';
import { makeDmiTree } from '../support/dmi_tree.js';
import { fakeNvidiaSmiPath } from '../support/helpers.js';
import { fakeAws, type MetadataFake } from '../support/metadata_fakes.js';
import { captureLog } from '../support/wait.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'host-'));

describe('host source', () => {
  it('takes the id from machine-id, then the dbus copy', async () => {
    const d = tmp();
    writeFileSync(join(d, 'dbus-id'), '4c4c4544004c4d10804bb4c04f4e4d32\n');
    expect(await readHostId([join(d, 'missing'), join(d, 'dbus-id')])).toBe('4c4c4544004c4d10804bb4c04f4e4d32');
  });
  it('names the OS from os-release NAME and VERSION_ID', async () => {
    const d = tmp();
    writeFileSync(join(d, 'os-release'), 'PRETTY_NAME="Ubuntu 22.04.5 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\n');
    expect(await readOsName(join(d, 'os-release'))).toBe('Ubuntu 22.04');
  });
  it('reads the host facts and memory used from meminfo', async () => {
    const d = tmp();
    writeFileSync(join(d, 'machine-id'), 'a1b2c3d4e5f60718293a4b5c6d7e8f90\n');
    writeFileSync(join(d, 'meminfo'), 'MemTotal:       16384000 kB\nMemFree:         1000000 kB\nMemAvailable:    8192000 kB\n');
    const host = createHostSource({ machineIdPaths: [join(d, 'machine-id')], meminfoPath: join(d, 'meminfo') });
    const h = await host.read();
    expect(h).toMatchObject({ id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', memory_used_mib: 8000 });
    expect(h.cpu_cores).toBeGreaterThan(0);
    expect(h.memory_total_mib).toBeGreaterThan(0);
    expect(h.hostname).not.toBe('');
    expect(typeof h.kernel).toBe('string');
    // CPU times tick every 10 ms: 100 ms later the busy share is known.
    await new Promise((r) => setTimeout(r, 100));
    expect(typeof (await host.read()).cpu_utilization_pct).toBe('number');
  });
});

describe('sampler', () => {
  let sampler: Sampler | null = null;
  let aws: MetadataFake | null = null;
  afterEach(async () => {
    await sampler?.shutdown(2_000);
    await aws?.close();
    [sampler, aws] = [null, null];
  });
  const base = (over: Partial<SamplerOptions>): SamplerOptions => ({
    agentId: 'agt_test',
    agentVersion: '1.2.3',
    nvidiaSmiPath: fakeNvidiaSmiPath({ gpus: 2 }),
    intervalMs: 100,
    cloudProvider: 'auto',
    dmiDir: makeDmiTree({ sys_vendor: 'Supermicro' }),
    log: captureLog().log,
    ...over,
  });

  it('composes host, cloud and GPUs into one sample document', async () => {
    aws = await fakeAws({ token: 'ok', requireToken: true });
    sampler = createSampler(base({ awsMetadataUrl: aws.url, dmiDir: makeDmiTree({ sys_vendor: 'Amazon EC2' }) }));
    await sampler.start();
    const doc = await sampler.sample(new Date('2026-01-15T10:30:00.000Z'));
    expect(doc.ts).toBe('2026-01-15T10:30:00.000Z');
    expect(doc.agent).toEqual({ id: 'agt_test', version: '1.2.3' });
    expect(doc.cloud).toMatchObject({ provider: 'aws', instance_type: 't3.micro', lifecycle: 'on_demand' });
    expect(doc.gpus).toHaveLength(2);
    expect(doc.processes).toHaveLength(6);
    expect(doc.host.cpu_cores).toBeGreaterThan(0);
    expect(sampler.status()).toMatchObject({ state: 'ok', gpus: 2 });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('sends host-only samples when nvidia-smi is missing, with cloud null on bare metal', async () => {
    sampler = createSampler(base({ nvidiaSmiPath: '/nonexistent/nvidia-smi' }));
    await sampler.start();
    const doc = await sampler.sample();
    expect(doc).toMatchObject({ gpus: [], processes: [], cloud: null });
    expect(doc.host.hostname).not.toBe('');
    expect(sampler.status().state).toBe('no_nvidia_smi');
  });

  it('shuts down idempotently and within the deadline', async () => {
    sampler = createSampler(base({ nvidiaSmiPath: fakeNvidiaSmiPath({ mode: 'hang' }) }));
    await sampler.start();
    const started = Date.now();
    await Promise.all([sampler.shutdown(1_000), sampler.shutdown(1_000)]);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
