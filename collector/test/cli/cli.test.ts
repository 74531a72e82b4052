// gpuoptimizer-collector as users run it: help, version, bad settings, an unreachable ClickHouse
// server, and the catalog import command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(fileURLToPath(new URL('../../bin/gpuoptimizer-collector.js', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'gpuopt-collector-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, DATA_DIR: join(dir, 'data'), ...env }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gpuoptimizer-collector', () => {
  it('documents every setting under serve --help and answers version', () => {
    const help = run(['serve', '--help']);
    expect(help.code).toBe(0);
    for (const env of ['HOST', 'PORT', 'GRPC_PORT', 'DATA_DIR', 'CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'CLICKHOUSE_DATABASE', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'JWT_SECRET', 'ENCRYPTION_KEY', 'TLS_CERT', 'TLS_KEY']) {
      expect(help.stdout).toContain(`[${env}]`);
    }
    expect(help.stdout).toContain('(default: 127.0.0.1)');
    expect(run(['--help']).code).toBe(0);
    expect(run(['version']).stdout).toMatch(/^gpuoptimizer-collector \d+\.\d+\.\d+/);
  });

  it('refuses unknown flags and malformed values with one line and exit 2', () => {
    const flag = run(['serve', '--no-such-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim()).toBe('gpuoptimizer-collector: unknown flag --no-such-flag (see --help)');
    const port = run(['serve'], { PORT: 'eighty' });
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('PORT');
    const ttl = run(['serve', '--rollup-ttl-days', '30']);
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toContain('13 months');
    const db = run(['serve'], { CLICKHOUSE_DATABASE: 'x; DROP DATABASE default' });
    expect(db.code).toBe(2);
    expect(db.stderr).toContain('plain identifier');
    const cfg = join(dir, 'collector.yaml');
    writeFileSync(cfg, 'port: 5001\nclickhouse_databse: typo\n');
    const typo = run(['serve', '--config', cfg]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown setting "clickhouse_databse"');
    expect(run(['frobnicate']).code).toBe(2);
  });

  it('says which ClickHouse server it cannot reach and exits 1, without loading embedded chDB', () => {
    const t0 = Date.now();
    const r = run(['serve', '--port', '0', '--grpc-port', '0'], { CLICKHOUSE_URL: 'http://127.0.0.1:9', ADMIN_PASSWORD: 'correct horse battery staple' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot open the metrics store (ClickHouse at http://127.0.0.1:9)');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('imports a valid catalog CSV and refuses a broken one, naming line and column', () => {
    const good = resolve(fileURLToPath(new URL('../../../shared/data/gpu-instances.csv', import.meta.url)));
    const ok = run(['catalog', 'import', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/catalog imported: \d+ rows/);
    expect(readFileSync(join(dir, 'data', 'catalog', 'gpu-instances.csv'), 'utf8')).toBe(readFileSync(good, 'utf8'));
    const bad = join(dir, 'bad.csv');
    const lines = readFileSync(good, 'utf8').split('\n');
    lines[2] = (lines[2] as string).replace(/,(\d+),/, ',two,');
    writeFileSync(bad, lines.join('\n'));
    const refused = run(['catalog', 'import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/bad\.csv line 3, column "\w+"/);
  });
});
