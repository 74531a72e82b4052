/** Secrets the collector generates on first start when they are not configured: kept in the data dir, mode 0600. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Reads a generated secret from `file`, creating it (random bytes, encoded) on first use. */
export function fileSecret(file: string, bytes = 48, encoding: 'base64url' | 'hex' = 'base64url'): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const value = randomBytes(bytes).toString(encoding);
  writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  return value;
}

/** Writes a secret for another local process (the local agent's key), readable by this user only. */
export function writeSecretFile(file: string, value: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, value + '\n', { mode: 0o600 });
}
