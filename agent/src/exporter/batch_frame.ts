/**
 * Builds the wire bytes of a `Batch` message straight from the encoded `Sample` rows the
 * buffer holds, so a batch is never decoded and re-encoded on its way out. The layout is
 * plain protobuf (fields 1-4 of gpuoptimizer.v1.Batch); a test checks it against the codec.
 */
import type { BatchPayload } from '../buffer/sample_buffer.js';

function varint(n: number, out: number[]): void {
  // Arithmetic, not bit operators: seqs and epoch ms exceed 32 bits.
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function header(tag: number, n: number): Buffer {
  const out: number[] = [tag];
  varint(n, out);
  return Buffer.from(out);
}

/**
 * Encodes a buffered batch as a gpuoptimizer.v1.Batch message. `resend` (field 5) tells the
 * collector the batch may have been sent before, so it must check what it already stored.
 */
export function encodeBatchFrame(batch: BatchPayload, resend = false): Buffer {
  const agent = Buffer.from(batch.agentId, 'utf8');
  const parts: Buffer[] = [header(0x08, batch.seq), header(0x12, agent.length), agent];
  for (const s of batch.sampleBytes) parts.push(header(0x1a, s.length), s);
  parts.push(header(0x20, batch.createdMs));
  if (resend) parts.push(header(0x28, 1));
  return Buffer.concat(parts);
}
