/**
 * GCP metadata server. The numeric instance id exceeds 2^53, so it is read as text from
 * `instance/id`, never through JSON numbers. `scheduling/provisioning-model` (SPOT|STANDARD)
 * is missing on older images and 404s; `scheduling/preemptible` is the fallback.
 */
import type { CloudInfo } from '@gpuoptimizer/shared';
import { joinUrl, okBody, request } from './http.js';
import type { ProviderQuery } from './provider.js';

const lastSegment = (s: string): string => s.trim().split('/').pop() ?? '';

/** Region of a zone: `us-central1-a` → `us-central1`. */
export function regionOfZone(zone: string): string {
  return zone.replace(/-[^-]+$/, '');
}

/** Reads instance id, machine type, zone and lifecycle from the metadata server at `baseUrl`. */
export async function queryGcp({ baseUrl, timeoutMs }: ProviderQuery): Promise<CloudInfo | null> {
  const get = async (path: string): Promise<string | null> =>
    okBody(await request({ url: joinUrl(baseUrl, `/computeMetadata/v1/instance/${path}`), headers: { 'Metadata-Flavor': 'Google' }, timeoutMs }));
  const [id, machineType, zonePath, model] = await Promise.all([get('id'), get('machine-type'), get('zone'), get('scheduling/provisioning-model')]);
  const instanceId = id?.trim() ?? '';
  if (!/^\d+$/.test(instanceId) || !zonePath) return null;
  const preemptible = model === null ? await get('scheduling/preemptible') : null;
  const spot = model !== null ? model.trim().toUpperCase() === 'SPOT' : preemptible?.trim().toUpperCase() === 'TRUE';
  const zone = lastSegment(zonePath);
  return {
    provider: 'gcp',
    instance_id: instanceId,
    instance_type: lastSegment(machineType ?? ''),
    region: regionOfZone(zone),
    zone,
    lifecycle: spot ? 'spot' : 'on_demand',
  };
}
