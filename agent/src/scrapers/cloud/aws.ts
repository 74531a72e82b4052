/**
 * AWS: IMDSv2 first (PUT a token, then GET with it). In a container the token PUT times out
 * silently unless the instance's hop limit is 2, so a time-out falls back to IMDSv1 and logs a
 * hint; a 401 (an XHTML page) means tokens are required and the token could not be had.
 */
import type { CloudInfo } from '@gpuoptimizer/shared';
import { joinUrl, okBody, request } from './http.js';
import type { ProviderQuery } from './provider.js';

const TOKEN_TTL_S = '21600';

/** Reads instance id, type, region, zone and lifecycle from the IMDS at `baseUrl`. */
export async function queryAws({ baseUrl, timeoutMs, log }: ProviderQuery): Promise<CloudInfo | null> {
  const token = await getToken(baseUrl, timeoutMs, log);
  const headers: Record<string, string> = token ? { 'X-aws-ec2-metadata-token': token } : {};
  const get = (path: string) => request({ url: joinUrl(baseUrl, path), headers, timeoutMs });
  const [docRes, lifeRes] = await Promise.all([get('/latest/dynamic/instance-identity/document'), get('/latest/meta-data/instance-life-cycle')]);
  if (docRes.kind === 'response' && docRes.status === 401) {
    log('warn', 'AWS IMDS requires a session token (IMDSv2) and none could be had; cloud facts unavailable', {
      hint: 'in a container, set the instance metadata hop limit to 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2)',
    });
    return null;
  }
  const doc = parseDocument(okBody(docRes));
  if (!doc) return null;
  const lifecycle = okBody(lifeRes)?.trim().toLowerCase();
  return { provider: 'aws', ...doc, lifecycle: lifecycle === 'spot' ? 'spot' : 'on_demand' };
}

async function getToken(baseUrl: string, timeoutMs: number, log: ProviderQuery['log']): Promise<string | null> {
  const res = await request({
    url: joinUrl(baseUrl, '/latest/api/token'),
    method: 'PUT',
    headers: { 'X-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_S },
    timeoutMs,
  });
  const token = okBody(res)?.trim();
  if (token) return token;
  if (res.kind === 'timeout') {
    log('info', 'AWS IMDSv2 token request timed out; trying IMDSv1', {
      hint: 'inside a container the IMDSv2 hop limit must be 2 (--http-put-response-hop-limit 2)',
    });
  } else {
    log('debug', 'AWS IMDSv2 token refused; trying IMDSv1', { status: res.kind === 'response' ? res.status : res.kind });
  }
  return null;
}

type DocFacts = Pick<CloudInfo, 'instance_id' | 'instance_type' | 'region' | 'zone'>;

/** The identity document's facts, or null when the body is not that document. */
export function parseDocument(body: string | null): DocFacts | null {
  if (!body) return null;
  try {
    const d = JSON.parse(body) as Record<string, unknown>;
    const s = (k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : '');
    if (!s('instanceId')) return null;
    const zone = s('availabilityZone');
    // Old documents lack "region": the zone minus its letter is the region.
    return { instance_id: s('instanceId'), instance_type: s('instanceType'), region: s('region') || zone.replace(/[a-z]$/, ''), zone };
  } catch {
    return null;
  }
}
