/**
 * Codecs for the wire contract in proto/gpuoptimizer/v1/ingest.proto, built with protobufjs
 * from the .proto file itself (the only agent <-> collector contract), and a gRPC service
 * definition that @grpc/grpc-js accepts for both the client and the server.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { SampleDocument } from './sample.js';

// 64-bit integers decode as JS numbers: seq and epoch milliseconds stay far below 2^53.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

/** Path of the ingest .proto file shipped with this package. */
export const INGEST_PROTO_PATH = fileURLToPath(
  new URL('../proto/gpuoptimizer/v1/ingest.proto', import.meta.url),
);

/** Full gRPC method path of the bidirectional ingest stream. */
export const INGEST_STREAM_PATH = '/gpuoptimizer.v1.Ingest/Stream';

/** Ack.Status values. */
export const AckStatus = { UNSPECIFIED: 0, STORED: 1, REJECTED: 2 } as const;
export type AckStatusValue = (typeof AckStatus)[keyof typeof AckStatus];

/** A sample as it travels: the sample document with `ts` as epoch milliseconds. */
export type WireSample = Omit<SampleDocument, 'ts'> & { ts_unix_ms: number };

export interface WireBatch {
  seq: number;
  agent_id: string;
  samples: WireSample[];
  created_unix_ms: number;
  /** May have been sent before: the collector checks what it already stored. */
  resend?: boolean;
}

export interface WireAck {
  seq: number;
  status: AckStatusValue;
  error: string;
  stored_samples: number;
}

export interface IngestCodec {
  encodeBatch(batch: WireBatch): Buffer;
  decodeBatch(bytes: Uint8Array): WireBatch;
  encodeAck(ack: WireAck): Buffer;
  decodeAck(bytes: Uint8Array): WireAck;
  encodeSample(sample: WireSample): Uint8Array;
  decodeSample(bytes: Uint8Array): WireSample;
}

let cached: IngestCodec | undefined;

/**
 * A decoded message as a plain object: every field present (an absent optional field is null, as
 * in the sample document), 64-bit integers as numbers. protobufjs messages keep optional
 * defaults on their prototype and turn longs into strings in toJSON, which would leak into JSON.
 */
export function toPlain(type: protobuf.Type, msg: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = msg[field.name];
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    const one = (x: unknown): unknown => {
      if (x === null || x === undefined) return null;
      if (sub) return toPlain(sub, x as Record<string, unknown>);
      return typeof x === 'object' && x !== null && 'low' in x ? Number(x as unknown as number) : x;
    };
    out[field.name] = field.repeated ? ((v as unknown[] | undefined) ?? []).map(one) : one(v);
  }
  return out;
}

/** Builds (once per process) the protobuf codecs for the ingest messages. */
export function ingestCodec(protoText?: string): IngestCodec {
  if (cached && protoText === undefined) return cached;
  const text = protoText ?? readFileSync(INGEST_PROTO_PATH, 'utf8');
  const root = protobuf.parse(text, { keepCase: true }).root;
  root.resolveAll();
  const Batch = root.lookupType('gpuoptimizer.v1.Batch');
  const Ack = root.lookupType('gpuoptimizer.v1.Ack');
  const Sample = root.lookupType('gpuoptimizer.v1.Sample');
  const codec: IngestCodec = {
    encodeBatch: (b) => Buffer.from(Batch.encode(b as unknown as protobuf.Message).finish()),
    decodeBatch: (bytes) => toPlain(Batch, Batch.decode(bytes) as unknown as Record<string, unknown>) as unknown as WireBatch,
    encodeAck: (a) => Buffer.from(Ack.encode(a as unknown as protobuf.Message).finish()),
    decodeAck: (bytes) => Ack.decode(bytes) as unknown as WireAck,
    encodeSample: (s) => Sample.encode(s as unknown as protobuf.Message).finish(),
    decodeSample: (bytes) => toPlain(Sample, Sample.decode(bytes) as unknown as Record<string, unknown>) as unknown as WireSample,
  };
  if (protoText === undefined) cached = codec;
  return codec;
}

/** Converts the sample document to its wire form. */
export function sampleToWire(doc: SampleDocument): WireSample {
  const { ts, ...rest } = doc;
  return { ...rest, ts_unix_ms: Date.parse(ts) };
}

/** A gRPC service definition for Ingest, structurally what @grpc/grpc-js expects. */
export function ingestServiceDefinition(codec: IngestCodec = ingestCodec()) {
  return {
    stream: {
      path: INGEST_STREAM_PATH,
      requestStream: true,
      responseStream: true,
      requestSerialize: (b: WireBatch) => codec.encodeBatch(b),
      requestDeserialize: (bytes: Buffer) => codec.decodeBatch(bytes),
      responseSerialize: (a: WireAck) => codec.encodeAck(a),
      responseDeserialize: (bytes: Buffer) => codec.decodeAck(bytes),
      originalName: 'stream',
    },
  } as const;
}
