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

/** Encodes a buffered batch as a gpuoptimizer.v1.Batch message. */
export function encodeBatchFrame(batch: BatchPayload): Buffer {
  const agent = Buffer.from(batch.agentId, 'utf8');
  const parts: Buffer[] = [header(0x08, batch.seq), header(0x12, agent.length), agent];
  for (const s of batch.sampleBytes) parts.push(header(0x1a, s.length), s);
  parts.push(header(0x20, batch.createdMs));
  return Buffer.concat(parts);
}
