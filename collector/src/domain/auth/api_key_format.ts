/**
 * API key format: `gpo_<prefix>_<secret>`. The prefix is public and indexed, so a lookup is
 * O(1); only the sha256 of the whole key is stored, compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_RE = /^gpo_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A freshly minted key: the raw value (shown once), its public prefix and its stored hash. */
export interface MintedKey {
  raw: string;
  prefix: string;
  hash: Buffer;
}

/** sha256 of a raw key. */
export function hashApiKey(raw: string): Buffer {
  return createHash('sha256').update(raw).digest();
}

/** Mints a key with 256 bits of secret. */
export function mintApiKey(): MintedKey {
  const prefix = randomBytes(8).toString('hex');
  const raw = `gpo_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { raw, prefix, hash: hashApiKey(raw) };
}

/** The public prefix of a well-formed key, or null for anything else. */
export function apiKeyPrefix(raw: string): string | null {
  if (raw.length !== 64) return null;
  return KEY_RE.exec(raw)?.[1] ?? null;
}

/** Whether a token looks like one of our API keys (as opposed to a JWT). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('gpo_');
}

/** Constant-time comparison of a raw key's hash with a stored hash. */
export function apiKeyMatches(raw: string, storedHash: Buffer): boolean {
  const actual = hashApiKey(raw);
  return actual.length === storedHash.length && timingSafeEqual(actual, storedHash);
}
