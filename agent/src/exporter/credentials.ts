/**
 * Channel credentials for the collector connection: TLS verified against the system's CAs or
 * an operator-supplied CA file, plaintext only when explicitly allowed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { SettingsError } from '@gpuoptimizer/shared';

/** Where distributions keep the system CA bundle (Node 20 ships only Mozilla's list). */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

function systemRoots(env: Readonly<Record<string, string | undefined>>): Buffer {
  const pems: string[] = [...rootCertificates];
  const bundle = SYSTEM_BUNDLES.find((p) => existsSync(p));
  if (bundle) pems.push(readFileSync(bundle, 'utf8'));
  const extra = env['NODE_EXTRA_CA_CERTS'];
  if (extra && existsSync(extra)) pems.push(readFileSync(extra, 'utf8'));
  return Buffer.from(pems.join('\n'));
}

export interface CredentialOptions {
  insecure: boolean;
  /** PEM file of the CA(s) that signed the collector's certificate; replaces the system CAs. */
  caFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Builds the channel credentials; an unreadable CA file is a settings error. */
export function channelCredentials(opts: CredentialOptions): ChannelCredentials {
  if (opts.insecure) return credentials.createInsecure();
  if (opts.caFile) {
    let pem: Buffer;
    try {
      pem = readFileSync(opts.caFile);
    } catch (err) {
      throw new SettingsError(`--ca: cannot read ${opts.caFile}: ${(err as Error).message}`);
    }
    if (!pem.toString('utf8').includes('-----BEGIN CERTIFICATE-----')) {
      throw new SettingsError(`--ca: ${opts.caFile} holds no PEM certificate`);
    }
    return credentials.createSsl(pem);
  }
  return credentials.createSsl(systemRoots(opts.env ?? process.env));
}
