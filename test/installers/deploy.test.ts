/**
 * The self-hosted deployment (docker-compose.yml + .env.example), the Kubernetes DaemonSet and
 * the Dockerfiles. The compose file is validated by a compose client (`docker-compose config`,
 * Debian's docker-compose package); the rest is parsed and checked field by field, and every
 * setting name is checked against the agent's and the collector's own settings tables.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SETTINGS, readConfigFile } from '../../agent/src/config.js';
import { COLLECTOR_SETTINGS } from '../../collector/src/config.js';
import { requireTool, ROOT, run, tempDir } from './support.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const scratch = tempDir('deploy');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const COLLECTOR_ENV = new Set(COLLECTOR_SETTINGS.map((s) => s.env).filter(Boolean) as string[]);
const AGENT_ENV = new Set(AGENT_SETTINGS.map((s) => s.env).filter(Boolean) as string[]);

/** .env.example as a map, with the required secrets filled in. */
function exampleEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n')) {
    const m = line.match(/^([A-Z][A-Z0-9_]*)=(.*)$/);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

describe('docker-compose.yml', () => {
  let composeBin: string;
  let config: Obj;
  let withAgent: Obj;
  const envFile = join(scratch, 'test.env');

  const compose = (args: string[], env: Record<string, string>, allowFail = false) =>
    run(composeBin, ['--project-directory', ROOT, '-f', join(ROOT, 'docker-compose.yml'), '--env-file', envFile, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, ...env },
      allowFail,
      timeout: 60_000,
    });

  beforeAll(() => {
    composeBin = requireTool('docker-compose', 'docker-compose');
    const env = { ...exampleEnv(), ADMIN_PASSWORD: 'compose-admin-pass', CLICKHOUSE_PASSWORD: 'compose-ch-pass' };
    writeFileSync(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    config = parseYaml(compose(['config'], {}).stdout);
    withAgent = parseYaml(compose(['--profile', 'agent', 'config'], {}).stdout);
  }, 120_000);

  it('is valid for a compose client, and refuses to start without the required secrets', () => {
    expect(Object.keys(config.services).sort()).toEqual(expect.arrayContaining(['clickhouse', 'collector']));
    writeFileSync(join(scratch, 'empty.env'), '');
    const bare = run(composeBin, ['--project-directory', ROOT, '-f', join(ROOT, 'docker-compose.yml'), '--env-file', join(scratch, 'empty.env'), 'config'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch },
      allowFail: true,
    });
    expect(bare.status).not.toBe(0);
    expect(bare.stdout + bare.stderr).toMatch(/(CLICKHOUSE|ADMIN)_PASSWORD/);
  });

  it('runs a pinned ClickHouse server with a volume, nofile limits and a healthcheck', () => {
    const ch = config.services.clickhouse;
    expect(ch.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+(\.\d+)*(-[a-z]+)?$/);
    expect(ch.image).not.toMatch(/:latest$/);
    expect(Number(ch.image.split(':')[1].split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(ch.volumes.some((v: string | Obj) => String(typeof v === 'string' ? v : v.target).includes('/var/lib/clickhouse'))).toBe(true);
    expect(ch.ulimits.nofile.soft).toBeGreaterThanOrEqual(262144);
    expect(ch.healthcheck.test.join(' ')).toMatch(/\/ping|SELECT 1/);
    expect(ch.environment.CLICKHOUSE_PASSWORD).toBe('compose-ch-pass');
    expect(ch.ports ?? []).toEqual([]); // only the collector reaches it
  });

  it('points the collector at it, after it is healthy, on loopback ports by default', () => {
    const c = config.services.collector;
    expect(c.build.dockerfile).toBe('installers/docker/collector.Dockerfile');
    expect(existsSync(join(ROOT, c.build.dockerfile))).toBe(true);
    expect(c.depends_on.clickhouse.condition).toBe('service_healthy');
    expect(c.environment.CLICKHOUSE_URL).toBe('http://clickhouse:8123');
    expect(c.environment.CLICKHOUSE_PASSWORD).toBe(config.services.clickhouse.environment.CLICKHOUSE_PASSWORD);
    expect(c.environment.CLICKHOUSE_USER).toBe(config.services.clickhouse.environment.CLICKHOUSE_USER);
    expect(c.environment.CLICKHOUSE_DATABASE).toBe(config.services.clickhouse.environment.CLICKHOUSE_DB);
    expect(c.environment.HOST).toBe('0.0.0.0');
    expect(c.environment.ADMIN_PASSWORD).toBe('compose-admin-pass');
    for (const name of Object.keys(c.environment)) expect(COLLECTOR_ENV, `collector setting ${name}`).toContain(name);
    const ports = (c.ports as Array<string | Obj>).map((p) => (typeof p === 'string' ? p : `${p.host_ip}:${p.published}:${p.target}`));
    expect(ports).toHaveLength(2);
    for (const p of ports) expect(p).toMatch(/^127\.0\.0\.1:/);
    expect(ports.map((p) => p.split(':')[2]!.replace(/\/tcp$/, '')).sort()).toEqual(['5000', '50051']);
    expect(c.volumes.some((v: string | Obj) => String(typeof v === 'string' ? v : v.target).includes('/data'))).toBe(true);
  });

  it('has an optional agent (profile "agent") with the GPUs, the host pid namespace and a buffer volume', () => {
    expect(config.services.agent?.profiles ?? ['agent']).toEqual(['agent']);
    const a = withAgent.services.agent;
    expect(a.profiles).toEqual(['agent']);
    expect(a.build.dockerfile).toBe('installers/docker/agent.Dockerfile');
    expect(a.pid).toBe('host');
    expect(a.deploy.resources.reservations.devices[0]).toMatchObject({ driver: 'nvidia', count: 'all' });
    expect(a.deploy.resources.reservations.devices[0].capabilities).toEqual(expect.arrayContaining(['gpu', 'utility']));
    expect(a.environment.GPUOPT_COLLECTOR).toBe('collector:50051');
    for (const name of Object.keys(a.environment).filter((n) => n.startsWith('GPUOPT_'))) expect(AGENT_ENV, `agent setting ${name}`).toContain(name);
    expect(a.volumes.some((v: string | Obj) => String(typeof v === 'string' ? v : v.target).includes('/var/lib/gpuoptimizer'))).toBe(true);
    expect(a.depends_on.collector.condition).toBe('service_healthy');
  });

  it('takes every variable it uses from .env.example, which lists the secrets', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const used = new Set([...text.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const documented = new Set(Object.keys(exampleEnv()));
    for (const v of used) expect(documented, `${v} in .env.example`).toContain(v);
    for (const v of ['ADMIN_EMAIL', 'ADMIN_PASSWORD', 'JWT_SECRET', 'ENCRYPTION_KEY', 'CLICKHOUSE_PASSWORD', 'GPUOPT_API_KEY']) expect(documented, v).toContain(v);
    // No secret values are committed.
    for (const v of ['ADMIN_PASSWORD', 'JWT_SECRET', 'ENCRYPTION_KEY', 'CLICKHOUSE_PASSWORD', 'GPUOPT_API_KEY']) expect(exampleEnv()[v], v).toBe('');
  });
});

describe('the Kubernetes DaemonSet', () => {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'installers', 'kubernetes', 'daemonset.yaml'), 'utf8')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Obj;
  });
  const byKind = (kind: string) => docs.filter((d) => d?.kind === kind);
  const ds = byKind('DaemonSet')[0]!;
  const pod = ds?.spec?.template?.spec as Obj;
  const agent = (pod?.containers as Obj[])?.find((c) => c.name === 'agent') as Obj;

  it('declares a namespace, a service account, a config map and the DaemonSet, all in that namespace', () => {
    expect(byKind('Namespace')).toHaveLength(1);
    const ns = byKind('Namespace')[0]!.metadata.name;
    for (const kind of ['ServiceAccount', 'ConfigMap', 'DaemonSet']) {
      expect(byKind(kind), kind).toHaveLength(1);
      expect(byKind(kind)[0]!.metadata.namespace, kind).toBe(ns);
    }
    expect(ds.apiVersion).toBe('apps/v1');
    expect(ds.spec.selector.matchLabels).toEqual(Object.fromEntries(Object.entries(ds.spec.template.metadata.labels).filter(([k]) => k in ds.spec.selector.matchLabels)));
    expect(pod.serviceAccountName).toBe(byKind('ServiceAccount')[0]!.metadata.name);
  });

  it('runs on GPU nodes only, with the NVIDIA runtime, host PIDs and GPU tolerations', () => {
    expect(pod.nodeSelector['nvidia.com/gpu.present']).toBe('true');
    expect(pod.runtimeClassName).toBe('nvidia');
    expect(pod.hostPID).toBe(true);
    expect(pod.tolerations.some((t: Obj) => t.key === 'nvidia.com/gpu' && t.operator === 'Exists')).toBe(true);
    const env = Object.fromEntries((agent.env as Obj[]).map((e) => [e.name, e]));
    expect(env.NVIDIA_VISIBLE_DEVICES.value).toBe('all');
    expect(env.NVIDIA_DRIVER_CAPABILITIES.value).toBe('utility');
    expect(env.GPUOPT_API_KEY.valueFrom.secretKeyRef).toMatchObject({ name: expect.any(String), key: expect.any(String) });
    for (const name of Object.keys(env).filter((n) => n.startsWith('GPUOPT_') && n !== 'GPUOPT_NATIVE_DIR')) expect(AGENT_ENV, name).toContain(name);
  });

  it('keeps the buffer on a hostPath, small resources, read-only root, non-root', () => {
    const vols = Object.fromEntries((pod.volumes as Obj[]).map((v) => [v.name, v]));
    const mounts = Object.fromEntries((agent.volumeMounts as Obj[]).map((m) => [m.mountPath, m]));
    expect(vols[mounts['/var/lib/gpuoptimizer'].name].hostPath.path).toBe('/var/lib/gpuoptimizer');
    expect(agent.resources.requests.memory).toBeTruthy();
    expect(agent.resources.limits.memory).toMatch(/^\d+Mi$/);
    expect(parseInt(agent.resources.limits.memory, 10)).toBeLessThanOrEqual(512);
    expect(agent.resources.limits.cpu).toBeTruthy();
    expect(agent.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(agent.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(agent.securityContext.capabilities.drop).toEqual(['ALL']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    // With a read-only root, the executable's addon cache must point at a writable mount.
    const nativeDir = (agent.env as Obj[]).find((e) => e.name === 'GPUOPT_NATIVE_DIR')?.value as string;
    expect(Object.keys(mounts).some((m) => nativeDir.startsWith(`${m}/`) && !mounts[m].readOnly)).toBe(true);
  });

  it('mounts a ConfigMap holding a config file the agent accepts', () => {
    const cm = byKind('ConfigMap')[0]!;
    const mount = (agent.volumeMounts as Obj[]).find((m) => (pod.volumes as Obj[]).find((v) => v.name === m.name)?.configMap?.name === cm.metadata.name)!;
    const args = agent.args as string[];
    const configPath = args[args.indexOf('--config') + 1]!;
    expect(configPath.startsWith(`${mount.mountPath}/`)).toBe(true);
    const file = join(scratch, 'cm-agent.yaml');
    writeFileSync(file, cm.data[configPath.slice(mount.mountPath.length + 1)]);
    expect(readConfigFile(file)).toMatchObject({ buffer: '/var/lib/gpuoptimizer/buffer.db', collector: expect.stringMatching(/:\d+$/) });
    expect(args[0]).toBe('run');
  });
});

describe('the Dockerfiles', () => {
  const read = (f: string) => readFileSync(join(ROOT, 'installers', 'docker', f), 'utf8');
  const finalStage = (text: string) => text.slice(text.lastIndexOf('\nFROM '));

  it('collector: node 20 bookworm slim, non-root, both ports, a health check on /api/health, serve on 0.0.0.0', () => {
    const text = read('collector.Dockerfile');
    const last = finalStage(text);
    expect(last).toMatch(/^\nFROM node:20-bookworm-slim\b/);
    expect(last).toMatch(/^USER (?!root|0\b)\S+/m);
    expect(last).toMatch(/^EXPOSE 5000 50051$/m);
    expect(last).toMatch(/^HEALTHCHECK [\s\S]*\/api\/health/m);
    expect(last).toMatch(/HOST=0\.0\.0\.0/);
    expect(last).toMatch(/^CMD \["node", ?"collector\/bin\/gpuoptimizer-collector\.js", ?"serve"\]$/m);
    expect(existsSync(join(ROOT, 'collector', 'bin', 'gpuoptimizer-collector.js'))).toBe(true);
  });

  it('agent: the single executable on a slim base, non-root, with the NVIDIA variables', () => {
    const text = read('agent.Dockerfile');
    expect(text).toMatch(/installers\/sea\/build\.mjs/);
    const last = finalStage(text);
    expect(last).toMatch(/^\nFROM debian:bookworm-slim\b/);
    expect(last).not.toMatch(/\bnpm\b|node_modules/);
    expect(last).toMatch(/^USER (?!root|0\b)\S+/m);
    expect(last).toMatch(/NVIDIA_DRIVER_CAPABILITIES=utility/);
    expect(last).toMatch(/^ENTRYPOINT \["\/usr\/bin\/gpuoptimizer-agent"\]$/m);
  });

  it('copy only paths that exist, and the build context leaves out what it should', () => {
    for (const f of ['agent.Dockerfile', 'collector.Dockerfile']) {
      for (const m of read(f).matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)) {
        for (const src of m[1]!.split(/\s+/).filter((s) => !s.startsWith('--'))) expect(existsSync(join(ROOT, src)), `${f}: COPY ${src}`).toBe(true);
      }
    }
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['**/node_modules', '.git', '.env']) expect(ignore).toContain(p);
    expect(ignore).not.toContain('shared/data'); // the catalog CSV goes into the image
  });
});
