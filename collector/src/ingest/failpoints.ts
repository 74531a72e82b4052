/**
 * Fault injection for the delivery tests (like Go's failpoints): off unless GPUOPT_FAILPOINTS is
 * set, e.g. `kill_after_write=5,store_down_file=/tmp/down`. Never set it in production.
 * - kill_after_write=N: SIGKILL this process after the Nth stored batch, before its ack is sent.
 * - store_down_file=PATH: while PATH exists, every metrics write fails as if the store were down.
 */
import { existsSync } from 'node:fs';
import type { MetricsWriter } from '../ports.js';

/** Parsed failpoints. */
export interface Failpoints {
  killAfterWrite?: number;
  storeDownFile?: string;
}

/** Parses the GPUOPT_FAILPOINTS value. */
export function parseFailpoints(spec: string | undefined): Failpoints {
  const out: Failpoints = {};
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value = ''] = part.split('=');
    if (name === 'kill_after_write' && Number(value) > 0) out.killAfterWrite = Number(value);
    else if (name === 'store_down_file' && value) out.storeDownFile = value;
    else throw new Error(`unknown failpoint "${part}"`);
  }
  return out;
}

/** Wraps a writer with the failpoints; returns the writer itself when none is set. */
export function withFailpoints(writer: MetricsWriter, fp: Failpoints): MetricsWriter {
  if (fp.killAfterWrite === undefined && fp.storeDownFile === undefined) return writer;
  let writes = 0;
  return {
    async writeRows(tenantId, batch) {
      if (fp.storeDownFile && existsSync(fp.storeDownFile)) throw new Error('ECONNREFUSED (failpoint store_down_file)');
      const stored = await writer.writeRows(tenantId, batch);
      if (fp.killAfterWrite !== undefined && ++writes >= fp.killAfterWrite) process.kill(process.pid, 'SIGKILL');
      return stored;
    },
  };
}
