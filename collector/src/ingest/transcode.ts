/**
 * Reads a gpuoptimizer.v1.Batch straight from its protobuf bytes into gpu_samples rows
 * (TabSeparated, the column order of stores/metrics/tsv.ts), validating as it goes and building
 * no sample objects: on ingest's hot path, decoding every GPU into an object cost more CPU in
 * garbage collection than ClickHouse spent storing the rows. Field numbers follow
 * shared/proto/gpuoptimizer/v1/ingest.proto; a test checks the output against the protobufjs
 * decoder plus encodeSamples on the same bytes.
 */
import { num, text } from '../stores/metrics/tsv.js';
import type { BatchLimits } from './validate.js';

/** A malformed message: the stream answers INVALID_ARGUMENT. */
export class WireError extends Error {
  override name = 'WireError';
}

class Reader {
  pos: number;
  constructor(readonly buf: Buffer, start: number, readonly end: number) {
    this.pos = start;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new WireError('varint too long');
  }
  /** Length-delimited field: returns [start, end) and moves past it. */
  span(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new WireError('truncated field');
    this.pos = start + len;
    return [start, start + len];
  }
  double(): number {
    if (this.pos + 8 > this.end) throw new WireError('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  string(): string {
    const [s, e] = this.span();
    return this.buf.toString('utf8', s, e);
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.span();
    else if (wire === 5) this.pos += 4;
    else throw new WireError(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw new WireError('truncated field');
  }
}

// Gpu fields stored as numbers, by field number → position in the row's number cells.
const GPU_NUMBER_FIELDS = [8, 9, 11, 10, 12, 13, 14, 15, 16, 18, 22, 19] as const; // TSV column order
const SLOT = new Map<number, number>(GPU_NUMBER_FIELDS.map((f, i) => [f, i]));

/** One batch, validated and ready to store. */
export interface TranscodedBatch {
  seq: number;
  agentId: string;
  resend: boolean;
  samples: number;
  droppedSamples: number;
  rows: number;
  gpuUuids: string[];
  minTsMs: number;
  maxTsMs: number;
  /** Bytes of the newest kept sample (for the inventory), or null when none was kept. */
  newest: Buffer | null;
  /** The rows as TabSeparated text, leaving out those `skip` names (the re-send path). */
  encode(tenantId: string, skip?: (gpuUuid: string, tsMs: number) => boolean): { tsv: string; rows: number };
}

/** Outcome of reading one batch. */
export type Transcoded = { ok: true; batch: TranscodedBatch } | { ok: false; seq: number; agentId: string; reason: string };

interface SampleRef {
  start: number;
  end: number;
  ts: number;
}

function readHeader(buf: Buffer): { seq: number; agentId: string; resend: boolean; samples: SampleRef[] } {
  const r = new Reader(buf, 0, buf.length);
  let seq = 0;
  let agentId = '';
  let resend = false;
  const samples: SampleRef[] = [];
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 0) seq = r.varint();
    else if (field === 2 && wire === 2) agentId = r.string();
    else if (field === 3 && wire === 2) {
      const [s, e] = r.span();
      samples.push({ start: s, end: e, ts: sampleTs(buf, s, e) });
    } else if (field === 5 && wire === 0) resend = r.varint() !== 0;
    else r.skip(wire);
  }
  return { seq, agentId, resend, samples };
}

function sampleTs(buf: Buffer, start: number, end: number): number {
  const r = new Reader(buf, start, end);
  let ts = 0;
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x08) ts = r.varint();
    else r.skip(tag & 7);
  }
  return ts;
}

/** Reads, validates and prepares one batch; a malformed message throws WireError. */
export function transcodeBatch(buf: Buffer, limits: BatchLimits, nowMs: number): Transcoded {
  const h = readHeader(buf);
  const bad = (reason: string): Transcoded => ({ ok: false, seq: h.seq, agentId: h.agentId, reason });
  if (!h.agentId) return bad('agent_id is required');
  if (!Number.isSafeInteger(h.seq) || h.seq <= 0) return bad('seq must be a positive integer');
  if (h.samples.length > limits.maxSamplesPerBatch) return bad(`batch has ${h.samples.length} samples; the limit is ${limits.maxSamplesPerBatch}`);
  // Samples outside the retention window are dropped and counted, never stored.
  const kept = h.samples.filter((s) => s.ts >= nowMs - limits.maxAgeMs && s.ts <= nowMs + limits.maxFutureMs);
  const keptSet = new Set(kept);
  const uuids = new Set<string>();
  let rows = 0;
  for (const s of h.samples) {
    const gpus = scanGpus(buf, s);
    if (gpus.length > limits.maxGpusPerSample) return bad(`a sample has ${gpus.length} GPUs; the limit is ${limits.maxGpusPerSample}`);
    if (gpus.some((u) => !u)) return bad('every GPU needs a uuid');
    if (!keptSet.has(s)) continue;
    for (const u of gpus) uuids.add(u);
    rows += gpus.length;
  }
  let newest: SampleRef | null = null;
  for (const s of kept) if (!newest || s.ts > newest.ts) newest = s;
  const batch: TranscodedBatch = {
    seq: h.seq, agentId: h.agentId, resend: h.resend, samples: h.samples.length, droppedSamples: h.samples.length - kept.length, rows,
    gpuUuids: [...uuids],
    minTsMs: kept.reduce((m, s) => Math.min(m, s.ts), Infinity),
    maxTsMs: kept.reduce((m, s) => Math.max(m, s.ts), -Infinity),
    newest: newest ? buf.subarray(newest.start, newest.end) : null,
    encode: (tenantId, skip) => encodeRows(buf, kept, tenantId, h.agentId, h.seq, skip),
  };
  return { ok: true, batch };
}

/** The uuids of a sample's GPUs, in order. */
function scanGpus(buf: Buffer, s: SampleRef): string[] {
  const out: string[] = [];
  const r = new Reader(buf, s.start, s.end);
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x2a) {
      const [gs, ge] = r.span();
      const g = new Reader(buf, gs, ge);
      let uuid = '';
      while (g.pos < g.end) {
        const t = g.varint();
        if (t === 0x0a) uuid = g.string();
        else g.skip(t & 7);
      }
      out.push(uuid);
    } else r.skip(tag & 7);
  }
  return out;
}

function encodeRows(
  buf: Buffer, samples: SampleRef[], tenantId: string, agentId: string, seq: number, skip?: (gpuUuid: string, tsMs: number) => boolean,
): { tsv: string; rows: number } {
  const mid = `\t${text(agentId)}\t${seq}\t`;
  const prefix = text(tenantId);
  let tsv = '';
  let rows = 0;
  for (const s of samples) {
    const { hostId, gpus, procs } = sampleParts(buf, s);
    for (const [gs, ge] of gpus) {
      const g = gpuCells(buf, gs, ge);
      if (skip?.(g.uuid, s.ts)) continue;
      tsv += `${prefix}\t${text(g.uuid)}\t${s.ts}\t${text(hostId)}${mid}${Math.min(255, g.index)}\t${g.numbers.join('\t')}\t${text(g.pstate)}\t${procs.get(g.uuid) ?? 0}\n`;
      rows++;
    }
  }
  return { tsv, rows };
}

function sampleParts(buf: Buffer, s: SampleRef): { hostId: string; gpus: Array<[number, number]>; procs: Map<string, number> } {
  const r = new Reader(buf, s.start, s.end);
  let hostId = '';
  const gpus: Array<[number, number]> = [];
  const procs = new Map<string, number>();
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x1a) hostId = firstString(buf, r.span());
    else if (tag === 0x2a) gpus.push(r.span());
    else if (tag === 0x32) {
      const u = firstString(buf, r.span());
      procs.set(u, (procs.get(u) ?? 0) + 1);
    } else r.skip(tag & 7);
  }
  return { hostId, gpus, procs };
}

/** Field 1 (a string) of an embedded message. */
function firstString(buf: Buffer, [start, end]: [number, number]): string {
  const r = new Reader(buf, start, end);
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x0a) return r.string();
    r.skip(tag & 7);
  }
  return '';
}

function gpuCells(buf: Buffer, start: number, end: number): { uuid: string; index: number; numbers: string[]; pstate: string | null } {
  const r = new Reader(buf, start, end);
  const numbers: string[] = new Array<string>(GPU_NUMBER_FIELDS.length).fill('\\N');
  let uuid = '';
  let index = 0;
  let pstate: string | null = null;
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    const slot = SLOT.get(field);
    if (slot !== undefined && wire === 1) numbers[slot] = num(r.double());
    else if (field === 1 && wire === 2) uuid = r.string();
    else if (field === 2 && wire === 0) index = r.varint();
    else if (field === 17 && wire === 2) pstate = r.string();
    else r.skip(wire);
  }
  return { uuid, index, numbers, pstate };
}
