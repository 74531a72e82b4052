/**
 * Cloud detection: operator overrides first, then the DMI files decide which single metadata
 * service to ask. The answer is cached; only a cloud that DMI named but that did not answer is
 * asked again, after `retryMs`.
 */
import type { CloudInfo } from '@gpuoptimizer/shared';
import { join } from 'node:path';
import type { SamplerOptions } from '../types.js';
import { queryAws } from './aws.js';
import { queryAzure } from './azure.js';
import { detectCloudFromDmi, type DmiCloud } from './dmi.js';
import { queryGcp } from './gcp.js';
import type { ProviderQuery } from './provider.js';

/** What cloud detection is built from. */
export type CloudOptions = Pick<
  SamplerOptions,
  'cloudProvider' | 'instanceTypeOverride' | 'regionOverride' | 'awsMetadataUrl' | 'gcpMetadataUrl' | 'azureMetadataUrl' | 'dmiDir' | 'log'
> & { timeoutMs?: number; retryMs?: number; now?: () => number };

/** The cached cloud facts. */
export interface CloudSource {
  get(): Promise<CloudInfo | null>;
}

const DEFAULT_DMI_DIR = '/sys/class/dmi/id';
const QUERIES: Record<DmiCloud, (q: ProviderQuery) => Promise<CloudInfo | null>> = { aws: queryAws, gcp: queryGcp, azure: queryAzure };

/** Creates the source; the first get() detects, later ones return the cached answer. */
export function createCloudSource(opts: CloudOptions): CloudSource {
  const now = opts.now ?? Date.now;
  let cached: { info: CloudInfo | null; retryAt: number | null } | null = null;
  let pending: Promise<CloudInfo | null> | null = null;

  async function detect(): Promise<CloudInfo | null> {
    const provider = await chooseProvider(opts);
    if (provider === null || provider === 'on_prem') {
      cached = { info: provider === 'on_prem' ? withOverrides(opts, null, 'on_prem') : null, retryAt: null };
      return cached.info;
    }
    const baseUrl = baseUrlOf(opts, provider);
    const found = await QUERIES[provider]({ baseUrl, timeoutMs: opts.timeoutMs ?? 400, log: opts.log });
    if (!found) opts.log('warn', `no answer from the ${provider} metadata service at ${baseUrl}; cloud facts unknown for now`);
    const info = found || opts.cloudProvider !== 'auto' ? withOverrides(opts, found, provider) : null;
    cached = { info, retryAt: found ? null : now() + (opts.retryMs ?? 600_000) };
    return info;
  }

  return {
    get() {
      if (cached && (cached.retryAt === null || now() < cached.retryAt)) return Promise.resolve(cached.info);
      pending ??= detect().finally(() => (pending = null));
      return pending;
    },
  };
}

async function chooseProvider(opts: CloudOptions): Promise<DmiCloud | 'on_prem' | null> {
  if (opts.cloudProvider === 'none') return null;
  if (opts.cloudProvider !== 'auto') return opts.cloudProvider;
  const dmiDir = opts.dmiDir ?? DEFAULT_DMI_DIR;
  // /sys/class/dmi/id → /sys/hypervisor/uuid; a test's fake tree keeps the same shape.
  const fromDmi = await detectCloudFromDmi(dmiDir, join(dmiDir, '..', '..', '..', 'hypervisor', 'uuid'));
  if (fromDmi) return fromDmi;
  // Nothing says cloud: an operator-given type or region still describes an on-premise host.
  return opts.instanceTypeOverride || opts.regionOverride ? 'on_prem' : null;
}

function baseUrlOf(opts: CloudOptions, provider: DmiCloud): string {
  if (provider === 'aws') return opts.awsMetadataUrl ?? 'http://169.254.169.254';
  if (provider === 'gcp') return opts.gcpMetadataUrl ?? 'http://metadata.google.internal';
  return opts.azureMetadataUrl ?? 'http://169.254.169.254';
}

/** Applies the operator's instance type and region on top of what was detected (or nothing). */
function withOverrides(opts: CloudOptions, found: CloudInfo | null, provider: CloudInfo['provider']): CloudInfo {
  const base: CloudInfo = found ?? { provider, instance_id: '', instance_type: '', region: '', zone: '', lifecycle: 'on_demand' };
  return {
    ...base,
    instance_type: opts.instanceTypeOverride || base.instance_type,
    region: opts.regionOverride || base.region,
  };
}
