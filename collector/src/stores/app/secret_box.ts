/**
 * AES-256-GCM for secrets at rest (cloud credentials, the local agent key). Blob layout:
 * version byte 1 | 12-byte IV | 16-byte tag | ciphertext. The associated data binds a blob to
 * its row, so a blob copied to another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileSecret } from '../../secrets.js';

/** Seals and opens secrets with one key. */
export interface SecretBox {
  seal(plaintext: string, aad: string): Buffer;
  /** Throws when the blob was tampered with, belongs to another row or another key. */
  open(blob: Buffer, aad: string): string;
}

/** Builds a box over a 32-byte key. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
    },
    open(blob, aad) {
      if (blob.length < 29 || blob[0] !== 1) throw new Error('unknown secret format');
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(blob.subarray(13, 29));
      return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8');
    },
  };
}

/** Parses ENCRYPTION_KEY: 64 hex characters or base64 of 32 bytes. */
export function parseEncryptionKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/**
 * The key from ENCRYPTION_KEY when given, else from `keyFile`, created (mode 0600) with a random
 * key on first start. Losing that file makes stored credentials unreadable: back it up.
 */
export function resolveEncryptionKey(opts: { envValue?: string | undefined; keyFile: string }): Buffer {
  return parseEncryptionKey(opts.envValue ? opts.envValue : fileSecret(opts.keyFile, 32, 'hex'));
}
