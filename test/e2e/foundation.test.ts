// The spine, end to end: collector (real gRPC, real chDB, real SQLite) and an agent whose
// nvidia-smi is a stand-in replaying a recorded capture. The admin logs in and finds those GPUs
// in GET /api/gpus within two sample intervals of the agent starting to report.
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_BIN, api, COLLECTOR_BIN, FAKE_NVIDIA_SMI, freePort, ROOT, startNode, stopProcess, until, type Proc } from '../support/processes.js';

const INTERVAL_MS = 1000;
const CAPTURES = ['gpu-exporter-linux-h100-80gb-hbm3-590.48.01.txt', 'gpu-exporter-linux-rtx4080super-595.71.05.txt'];

/** Expected GPUs read straight from the capture's load-state query-gpu CSV, independently of the agent's parser. */
function expectedGpus(capture: string): Array<{ uuid: string; name: string; memory_total_mib: number }> {
  const lines = readFileSync(capture, 'utf8').split('\n');
  const banner = lines.findIndex((l) => /^# load :: query-gpu/.test(l));
  const header = (lines[banner + 3] ?? '').split(', ');
  const col = (n: string) => header.findIndex((h) => h === n || h.startsWith(`${n} [`));
  const rows: Array<{ uuid: string; name: string; memory_total_mib: number }> = [];
  for (let i = banner + 4; i < lines.length && lines[i]?.trim() && !lines[i]?.startsWith('#'); i++) {
    const cells = (lines[i] as string).split(', ');
    rows.push({ uuid: cells[col('uuid')] as string, name: cells[col('name')] as string, memory_total_mib: parseFloat(cells[col('memory.total')] as string) });
  }
  return rows;
}

describe.each(CAPTURES)('foundation end to end with %s', (captureName) => {
  const capture = resolve(ROOT, 'agent/test/fixtures/nvidia-smi', captureName);
  let dir: string;
  let collector: Proc | undefined;
  let agent: Proc | undefined;
  let base: string;
  let agentKey: string;
  let grpcPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpuopt-e2e-'));
    const port = await freePort();
    grpcPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    const keyFile = join(dir, 'local-agent.key');
    collector = startNode(COLLECTOR_BIN, ['serve', '--local-agent-key-file', keyFile], {
      HOST: '127.0.0.1', PORT: String(port), GRPC_PORT: String(grpcPort), DATA_DIR: join(dir, 'data'),
      ADMIN_EMAIL: 'Admin@Example.com', ADMIN_PASSWORD: 'correct horse battery staple', LOG_LEVEL: 'warn',
    });
    await collector.waitForOutput(/REST http:/, 90_000);
    agentKey = readFileSync(keyFile, 'utf8').trim();
  });

  afterAll(async () => {
    await stopProcess(agent);
    await stopProcess(collector);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses GET /api/gpus without credentials: 401 UNAUTHORIZED in the error envelope', async () => {
    const r = await api(base, '/api/gpus');
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    expect(typeof r.json.timestamp).toBe('string');
  });

  it('reports health of every service', async () => {
    const r = await api(base, '/api/health');
    expect(r.status).toBe(200);
    expect(r.json.data.status).toBe('healthy');
    expect(Object.keys(r.json.data.services)).toEqual(expect.arrayContaining(['database', 'metrics_store']));
  });

  it('shows the captured GPUs to the admin within two sample intervals', async () => {
    const expected = expectedGpus(capture);
    expect(expected.length).toBeGreaterThan(0);
    const login = await api(base, '/api/auth/login', { method: 'POST', body: { email: 'admin@example.com', password: 'correct horse battery staple' } });
    expect(login.status).toBe(200);
    const token: string = login.json.data.token;

    agent = startNode(AGENT_BIN, ['run'], {
      GPUOPT_COLLECTOR: `127.0.0.1:${grpcPort}`, GPUOPT_API_KEY: agentKey, GPUOPT_INSECURE: '1',
      GPUOPT_INTERVAL: `${INTERVAL_MS}ms`, GPUOPT_NVIDIA_SMI: FAKE_NVIDIA_SMI, GPUOPT_BUFFER: join(dir, 'agent.db'),
      GPUOPT_CLOUD_PROVIDER: 'none', FAKE_NVIDIA_SMI_CAPTURE: capture, FAKE_NVIDIA_SMI_STATE: 'load',
    });
    // Readiness: the agent has read its first GPU rows (its first sample can carry them).
    const found = await until(async () => {
      const r = await api(base, '/api/gpus', { token });
      return r.json?.data?.gpus?.length >= expected.length ? r : undefined;
    }, 30_000);
    expect(found, `agent output:\n${agent.output().slice(-3000)}`).toBeDefined();
    const gpus = found!.json.data.gpus as Array<Record<string, unknown>>;
    for (const e of expected) {
      expect(gpus).toContainEqual(expect.objectContaining({ uuid: e.uuid, name: e.name, memory_total_mib: e.memory_total_mib }));
    }
    expect(found!.json.pagination).toMatchObject({ page: 1, total: expected.length, has_prev: false });
    const newest = Math.max(...gpus.map((g) => Date.parse(String(g.last_seen_at))));
    // The GPU stays fresh: the next reports arrive within two sample intervals.
    const fresher = await until(async () => {
      const r = await api(base, '/api/gpus', { token });
      const seen = Math.max(...(r.json.data.gpus as Array<{ last_seen_at: string }>).map((g) => Date.parse(g.last_seen_at)));
      return seen > newest ? seen : undefined;
    }, 2 * INTERVAL_MS + 1500, 50);
    expect(fresher).toBeDefined();
  });

  it('exposes its own health to Prometheus at /metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE gpuoptimizer_collector_ingest_samples_stored_total counter');
    const stored = Number(/^gpuoptimizer_collector_ingest_samples_stored_total (\d+)$/m.exec(text)?.[1]);
    expect(stored).toBeGreaterThan(0);
    expect(text).toMatch(/^gpuoptimizer_collector_api_requests_total \d+$/m);
  });

  it('answers 413 instead of 100 Continue to a body announced over the limit, and 100 to one under it', async () => {
    const ask = (length: number) => new Promise<{ informational: number[]; status: number; body: string }>((resolve, reject) => {
      const informational: number[] = [];
      const req = request(`${base}/api/auth/login`, {
        method: 'POST', agent: false,
        headers: { 'content-type': 'application/json', 'content-length': String(length), expect: '100-continue' },
      });
      req.on('information', (info) => informational.push(info.statusCode));
      req.on('continue', () => req.end('x'.repeat(length)));
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          req.destroy();
          resolve({ informational, status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    const big = await ask(2 * 1024 * 1024);
    expect(big.informational).toEqual([]);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    const small = await ask(20);
    expect(small.informational).toEqual([100]);
    expect(small.status).toBe(400); // twenty x's are not JSON
  });

  it('stops both cleanly on SIGTERM', async () => {
    expect(await stopProcess(agent)).toBe(0);
    expect(await stopProcess(collector)).toBe(0);
  });
});
