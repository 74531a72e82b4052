/** Prefixed random ids (`usr_…`, `gpu_…`, `key_…`, `sub_…`). */
import { randomBytes } from 'node:crypto';

/** A new id: the prefix, an underscore and 96 random bits in hex. */
export function newId(prefix: 'usr' | 'gpu' | 'key' | 'sub'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
