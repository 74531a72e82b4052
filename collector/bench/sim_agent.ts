// A simulated agent for bench:ingest: streams numbered batches over gRPC at a target rate (or as
// fast as acks allow), measures ack latency per batch and prints one JSON line of results.
import * as grpc from '@grpc/grpc-js';
import { AckStatus, ingestCodec, type WireAck, type WireSample } from '@gpuoptimizer/shared';

const [addr, key, agentId, rateArg, durationArg, samplesPerBatchArg, windowArg] = process.argv.slice(2);
const GPUS = 8;
const rate = Number(rateArg); // GPU-samples per second; 0 = unthrottled
const durationMs = Number(durationArg) * 1000;
const samplesPerBatch = Number(samplesPerBatchArg); // host samples per batch (each carries 8 GPUs)
const window = Number(windowArg ?? 8);
const codec = ingestCodec();

function sample(ts: number, k: number): WireSample {
  return {
    ts_unix_ms: ts,
    agent: { id: agentId as string, version: 'bench' },
    host: { id: `host-${agentId}`, hostname: `bench-${agentId}`, os: 'Linux', cpu_model: 'bench', cpu_cores: 64, memory_total_mib: 512_000 },
    cloud: { provider: 'aws', instance_id: `i-${agentId}`, instance_type: 'p4d.24xlarge', region: 'us-east-1', zone: 'us-east-1a', lifecycle: 'on_demand' },
    gpus: Array.from({ length: GPUS }, (_, i) => ({
      uuid: `GPU-${agentId}-${i}`, index: i, name: 'NVIDIA A100-SXM4-40GB', serial: null, pci_bus_id: null, driver_version: '535.104.05', mig_mode: 'Disabled',
      utilization_gpu_pct: (k * 7 + i * 13) % 101, utilization_memory_pct: 40, memory_total_mib: 40960, memory_used_mib: 30000 + (k % 100),
      temperature_c: 60 + (k % 5), power_draw_w: 300 + (k % 50), power_limit_w: 400, sm_clock_mhz: 1410, mem_clock_mhz: 1215,
      pstate: 'P0', fan_speed_pct: null, ecc_errors_uncorrected: 0, throttle_reasons: '0x0000000000000000',
    })),
    processes: [{ gpu_uuid: `GPU-${agentId}-0`, pid: 4242, name: 'python', used_memory_mib: 30000 }],
  };
}

const client = new grpc.Client(addr as string, grpc.credentials.createInsecure());
const md = new grpc.Metadata();
md.set('authorization', `Bearer ${key}`);
const call = client.makeBidiStreamRequest<Buffer, WireAck>('/gpuoptimizer.v1.Ingest/Stream', (b) => b, (b) => codec.decodeAck(b), md);
const sentAt = new Map<number, number>();
const latencies: number[] = [];
let seq = 0;
let acked = 0;
let tsCursor = Date.now() - 12 * 3_600_000 + Math.floor(Math.random() * 1000);
let stopped = false;
const t0 = performance.now();
const samplesPer = samplesPerBatch * GPUS;

// The load generator must stay cheap on a 2-core machine: each sample is a pre-encoded template
// without ts_unix_ms, prefixed with its own field 1, so no per-sample encoding.
const templates = Array.from({ length: 64 }, (_, k) => {
  const { ts_unix_ms: _ts, ...rest } = sample(0, k);
  return Buffer.from(codec.encodeSample(rest as WireSample));
});
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}
function field(tag: number, bytes: Buffer | number[]): Buffer {
  return Buffer.concat([Buffer.from([tag, ...varint(bytes.length)]), Buffer.from(bytes)]);
}

function sendOne(): void {
  seq++;
  const parts: Buffer[] = [Buffer.from([0x08, ...varint(seq)]), field(0x12, Buffer.from(agentId as string))];
  for (let k = 0; k < samplesPerBatch; k++) {
    const body = Buffer.concat([Buffer.from([0x08, ...varint((tsCursor += 10))]), templates[(seq + k) % templates.length] as Buffer]);
    parts.push(field(0x1a, body));
  }
  parts.push(Buffer.from([0x20, ...varint(Date.now())]));
  sentAt.set(seq, performance.now());
  call.write(Buffer.concat(parts));
}

function pump(): void {
  if (stopped) return;
  const elapsed = performance.now() - t0;
  if (elapsed >= durationMs) return finish();
  const due = rate > 0 ? Math.floor(((elapsed / 1000) * rate) / samplesPer) + 1 : Infinity;
  while (sentAt.size < window && seq < due) sendOne();
}

function finish(): void {
  if (stopped) return;
  stopped = true;
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  process.stdout.write(JSON.stringify({ agent: agentId, acked_samples: acked, seconds, p50: q(0.5), p99: q(0.99), batches: latencies.length }) + '\n');
  call.end();
  client.close();
  setTimeout(() => process.exit(0), 100).unref();
}

call.on('data', (ack: WireAck) => {
  const t = sentAt.get(ack.seq);
  if (t !== undefined && ack.status === AckStatus.STORED) {
    sentAt.delete(ack.seq);
    latencies.push(performance.now() - t);
    acked += ack.stored_samples; // what the collector stored, not what was sent
  }
  pump();
});
call.on('error', (err) => {
  process.stderr.write(`sim agent ${agentId}: ${err.message}\n`);
  finish();
});
setInterval(pump, 5).unref();
setTimeout(finish, durationMs + 10_000).unref();
pump();
