/**
 * Guarantee: cloud facts come from the one metadata service DMI points at (bare metal asks
 * none), recorded responses map to the right provider, id, type, region, zone and lifecycle,
 * and the known traps are handled: IMDSv2 token refused or silent → IMDSv1 with a hop-limit
 * hint, 401 HTML, GCP ids above 2^53 kept as text, GCP provisioning-model 404, Azure Spot.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudSource, type CloudOptions } from '../../src/scrapers/cloud/detect.js';
import { detectCloudFromDmi } from '../../src/scrapers/cloud/dmi.js';
import { parseAzureCompute } from '../../src/scrapers/cloud/azure.js';
import { parseDocument } from '../../src/scrapers/cloud/aws.js';
import { regionOfZone } from '../../src/scrapers/cloud/gcp.js';
import { makeDmiTree } from '../support/dmi_tree.js';
import { fixturePath } from '../support/helpers.js';
import { fakeAws, fakeAzure, fakeGcp, type MetadataFake } from '../support/metadata_fakes.js';
import { captureLog } from '../support/wait.js';

const fakes: MetadataFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
const track = async (p: Promise<MetadataFake>): Promise<MetadataFake> => {
  const f = await p;
  fakes.push(f);
  return f;
};

const DMI = {
  awsNitro: { sys_vendor: 'Amazon EC2', board_vendor: 'Amazon EC2', product_name: 'm5.large', product_uuid: 'EC23AEF5-54BE-4843-8D24-8C819F88453E' },
  gcp: { sys_vendor: 'Google', product_name: 'Google Compute Engine', product_serial: 'GoogleCloud-8f2e88f' },
  azure: { sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: '7783-7084-3265-9085-8269-3286-77' },
  bareMetal: { sys_vendor: 'Supermicro', product_name: 'SYS-4029GP-TRT', chassis_asset_tag: 'Default string' },
  hyperV: { sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: 'None' },
};

function options(over: Partial<CloudOptions>): CloudOptions & { lines: { level: string; msg: string }[] } {
  const sink = captureLog();
  return { cloudProvider: 'auto', log: sink.log, timeoutMs: 300, lines: sink.lines, ...over };
}

describe('DMI detection', () => {
  it('names each cloud from its DMI values and bare metal as none', async () => {
    const hv = (dir: string) => `${dir}/../../../hypervisor/uuid`;
    for (const [files, want, xen] of [
      [DMI.awsNitro, 'aws'],
      [{ product_uuid: 'AB232AEC-54BE-4843-8D24-8C819F88453E' }, 'aws'],
      [{ sys_vendor: 'Xen' }, 'aws', 'ec2c6e2f-5fac-4fc7-9c82-74127ec14bbb'],
      [DMI.gcp, 'gcp'],
      [{ product_serial: 'GoogleCloud-8f2e88f' }, 'gcp'],
      [DMI.azure, 'azure'],
      [DMI.hyperV, null],
      [DMI.bareMetal, null],
      [{}, null],
    ] as [Record<string, string>, string | null, string?][]) {
      const dir = makeDmiTree(files, xen);
      expect(await detectCloudFromDmi(dir, hv(dir)), JSON.stringify(files)).toBe(want);
    }
  });
});

describe('AWS', () => {
  it('IMDSv2: token first, then the identity document and lifecycle with it', async () => {
    const aws = await track(fakeAws({ token: 'ok', requireToken: true }));
    const info = await createCloudSource(options({ awsMetadataUrl: aws.url, dmiDir: makeDmiTree(DMI.awsNitro) })).get();
    expect(info).toEqual({ provider: 'aws', instance_id: 'i-09fb86d76201dce1c', instance_type: 't3.micro', region: 'eu-west-2', zone: 'eu-west-2a', lifecycle: 'on_demand' });
    expect(aws.requests[0]).toMatchObject({ method: 'PUT', path: '/latest/api/token' });
    expect(aws.requests[0]?.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
  });
  it('a silent token PUT (container hop limit) falls back to IMDSv1 and logs the hint', async () => {
    const aws = await track(fakeAws({ token: 'hang', requireToken: false, lifecycle: 'spot' }));
    const o = options({ awsMetadataUrl: aws.url, dmiDir: makeDmiTree(DMI.awsNitro), timeoutMs: 150 });
    const info = await createCloudSource(o).get();
    expect(info).toMatchObject({ provider: 'aws', instance_id: 'i-09fb86d76201dce1c', lifecycle: 'spot' });
    expect(o.lines.some((l) => /hop limit/.test(JSON.stringify(l)) || /IMDSv1/.test(l.msg))).toBe(true);
  });
  it('a refused token falls back to IMDSv1', async () => {
    const aws = await track(fakeAws({ token: 'refuse', requireToken: false }));
    expect(await createCloudSource(options({ awsMetadataUrl: aws.url, dmiDir: makeDmiTree(DMI.awsNitro) })).get()).toMatchObject({ provider: 'aws', instance_type: 't3.micro' });
  });
  it('tokens required but none to be had: the 401 HTML gives null and a warning, not a crash', async () => {
    const aws = await track(fakeAws({ token: 'hang', requireToken: true }));
    const o = options({ awsMetadataUrl: aws.url, dmiDir: makeDmiTree(DMI.awsNitro), timeoutMs: 150 });
    expect(await createCloudSource(o).get()).toBeNull();
    expect(o.lines.some((l) => l.level === 'warn' && /token/.test(l.msg))).toBe(true);
  });
  it('reads the AEMM identity document and derives a missing region from the zone', () => {
    const values = JSON.parse(readFileSync(fixturePath('cloud-metadata', 'aws-aemm-selected-values.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const doc = { ...values['/latest/dynamic/instance-identity/document'] };
    delete doc.region;
    expect(parseDocument(JSON.stringify(doc))).toEqual({ instance_id: 'i-1234567890abcdef0', instance_type: 'm4.xlarge', region: 'us-east-1', zone: 'us-east-1f' });
    expect(parseDocument(readFileSync(fixturePath('cloud-metadata', 'aws-imds-401.html'), 'utf8'))).toBeNull();
  });
});

describe('GCP', () => {
  it('keeps the 19-digit id as text, the last path segments, and the region', async () => {
    const gcp = await track(fakeGcp({ provisioningModel: 'STANDARD' }));
    const info = await createCloudSource(options({ gcpMetadataUrl: gcp.url, dmiDir: makeDmiTree(DMI.gcp) })).get();
    expect(info).toEqual({ provider: 'gcp', instance_id: '3910564293633576924', instance_type: 'e2-standard-4', region: 'us-central1', zone: 'us-central1-a', lifecycle: 'on_demand' });
    expect(gcp.requests.every((r) => r.headers['metadata-flavor'] === 'Google')).toBe(true);
  });
  it('provisioning-model SPOT means spot', async () => {
    const gcp = await track(fakeGcp({ provisioningModel: 'SPOT' }));
    expect((await createCloudSource(options({ gcpMetadataUrl: gcp.url, dmiDir: makeDmiTree(DMI.gcp) })).get())?.lifecycle).toBe('spot');
  });
  it('provisioning-model 404 falls back to scheduling/preemptible', async () => {
    const gcp = await track(fakeGcp({ provisioningModel: null, preemptible: 'TRUE' }));
    expect((await createCloudSource(options({ gcpMetadataUrl: gcp.url, dmiDir: makeDmiTree(DMI.gcp) })).get())?.lifecycle).toBe('spot');
    expect(gcp.requests.map((r) => r.path)).toContain('/computeMetadata/v1/instance/scheduling/preemptible');
  });
  it('region is the zone minus its last part', () => {
    expect(regionOfZone('europe-west4-b')).toBe('europe-west4');
  });
});

describe('Azure', () => {
  it('priority Spot means spot; api-version and Metadata: true are sent', async () => {
    const az = await track(fakeAzure('spot'));
    const info = await createCloudSource(options({ azureMetadataUrl: az.url, dmiDir: makeDmiTree(DMI.azure) })).get();
    expect(info).toEqual({ provider: 'azure', instance_id: '02aab8a4-74ef-476e-8182-f6d2ba4166a6', instance_type: 'Standard_A3', region: 'westus', zone: '', lifecycle: 'spot' });
    expect(az.requests[0]?.path).toContain('api-version=2021-02-01');
  });
  it('an empty priority is on demand, and the zone is kept', async () => {
    const az = await track(fakeAzure('regular'));
    expect(await createCloudSource(options({ azureMetadataUrl: az.url, dmiDir: makeDmiTree(DMI.azure) })).get()).toMatchObject({ zone: '1', lifecycle: 'on_demand' });
  });
  it('parses the spec example body', () => {
    const spec = JSON.parse(readFileSync(fixturePath('cloud-metadata', 'azure-imds-spec-example-2021-02-01.json'), 'utf8')) as { responses: { '200': { body: unknown } } };
    expect(parseAzureCompute(JSON.stringify(spec.responses['200'].body))?.lifecycle).toBe('spot');
  });
});

describe('detection policy', () => {
  it('bare metal asks no metadata service at all', async () => {
    const aws = await track(fakeAws({ token: 'ok', requireToken: false }));
    const o = options({ awsMetadataUrl: aws.url, gcpMetadataUrl: aws.url, azureMetadataUrl: aws.url, dmiDir: makeDmiTree(DMI.bareMetal) });
    expect(await createCloudSource(o).get()).toBeNull();
    expect(aws.requests).toHaveLength(0);
  });
  it('caches the answer', async () => {
    const gcp = await track(fakeGcp({ provisioningModel: 'STANDARD' }));
    const src = createCloudSource(options({ gcpMetadataUrl: gcp.url, dmiDir: makeDmiTree(DMI.gcp) }));
    await src.get();
    const asked = gcp.requests.length;
    await src.get();
    expect(gcp.requests).toHaveLength(asked);
  });
  it('operator overrides: on_prem with type and region, none, and overrides on top of a cloud', async () => {
    expect(await createCloudSource(options({ cloudProvider: 'on_prem', instanceTypeOverride: 'dgx-h100', regionOverride: 'fra-dc1' })).get()).toEqual({
      provider: 'on_prem', instance_id: '', instance_type: 'dgx-h100', region: 'fra-dc1', zone: '', lifecycle: 'on_demand',
    });
    expect(await createCloudSource(options({ cloudProvider: 'none', dmiDir: makeDmiTree(DMI.gcp) })).get()).toBeNull();
    const gcp = await track(fakeGcp({ provisioningModel: 'STANDARD' }));
    expect(await createCloudSource(options({ cloudProvider: 'gcp', gcpMetadataUrl: gcp.url, regionOverride: 'us-central2' })).get()).toMatchObject({ provider: 'gcp', region: 'us-central2', zone: 'us-central1-a' });
  });
  it('an unreachable service answers null within the short time-out', async () => {
    const started = Date.now();
    const o = options({ awsMetadataUrl: 'http://127.0.0.1:9', dmiDir: makeDmiTree(DMI.awsNitro), timeoutMs: 200 });
    expect(await createCloudSource(o).get()).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
