/**
 * Azure IMDS. `Metadata: true` is required, and `priority` (Spot/Low/Regular) exists only from
 * api-version 2021-02-01. Every value in the body is a string; `zone` is "" for a regional VM.
 */
import type { CloudInfo } from '@gpuoptimizer/shared';
import { joinUrl, okBody, request } from './http.js';
import type { ProviderQuery } from './provider.js';

/** The IMDS api-version asked for. */
export const AZURE_API_VERSION = '2021-02-01';

/** Reads vmId, vmSize, location, zone and priority from the IMDS at `baseUrl`. */
export async function queryAzure({ baseUrl, timeoutMs }: ProviderQuery): Promise<CloudInfo | null> {
  const url = joinUrl(baseUrl, `/metadata/instance/compute?api-version=${AZURE_API_VERSION}&format=json`);
  return parseAzureCompute(okBody(await request({ url, headers: { Metadata: 'true' }, timeoutMs })));
}

/** Maps the compute body (or a whole instance body, which holds it under `compute`) to cloud facts. */
export function parseAzureCompute(body: string | null): CloudInfo | null {
  if (!body) return null;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const c = (typeof parsed.compute === 'object' && parsed.compute ? parsed.compute : parsed) as Record<string, unknown>;
    const s = (k: string): string => (typeof c[k] === 'string' ? (c[k] as string) : '');
    if (!s('vmId')) return null;
    const priority = s('priority').toLowerCase();
    return {
      provider: 'azure',
      instance_id: s('vmId'),
      instance_type: s('vmSize'),
      region: s('location'),
      zone: s('zone'),
      lifecycle: priority === 'spot' || priority === 'low' ? 'spot' : 'on_demand',
    };
  } catch {
    return null;
  }
}
