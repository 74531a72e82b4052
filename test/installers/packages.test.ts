/**
 * The .deb (installers/deb/build.sh) and installers/install.sh.
 *
 * The package is built from a freshly built executable, its contents and control files are
 * checked with dpkg-deb, its unit with `systemd-analyze verify`, and it is installed, upgraded,
 * removed and purged by the real dpkg into a scratch root (dpkg --root with
 * --force-script-chrootless: the maintainer scripts honour DPKG_ROOT), so this host is never
 * changed. install.sh is exercised the same way with its --root option.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../agent/src/config.js';
import { AGENT_VERSION, buildAgentExecutable, DEB_ARCH, NODE_ARCH, requireTool, ROOT, run, scratchRoot, snapshotTree, tempDir } from './support.js';

const UNIT = 'gpuoptimizer-agent.service';
let dist: string;
let deb: string;
let tarball: string;
const scratch: string[] = [];
const scratchDir = (d: string) => (scratch.push(d), d);

beforeAll(() => {
  requireTool('dpkg-deb', 'dpkg');
  dist = scratchDir(tempDir('deb-dist'));
  buildAgentExecutable(dist);
  run('bash', [join(ROOT, 'installers', 'deb', 'build.sh')], { cwd: ROOT, env: { ...process.env, DIST_DIR: dist, SOURCE_DATE_EPOCH: '1767225600' }, timeout: 240_000 });
  deb = join(dist, `gpuoptimizer-agent_${AGENT_VERSION}_${DEB_ARCH}.deb`);
  tarball = join(dist, `gpuoptimizer-agent-${AGENT_VERSION}-linux-${NODE_ARCH}.tar.gz`);
}, 300_000);

afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** `dpkg-deb -c` as { path: "mode owner size" }. */
function contents(): Map<string, { mode: string; owner: string; size: number }> {
  const out = new Map<string, { mode: string; owner: string; size: number }>();
  for (const line of run('dpkg-deb', ['-c', deb]).stdout.trim().split('\n')) {
    const m = line.match(/^(\S+)\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+\.(\/\S*?)(?: -> .*)?$/);
    if (m) out.set(m[4]!.replace(/\/$/, '') || '/', { mode: m[1]!, owner: m[2]!, size: Number(m[3]) });
  }
  return out;
}

describe('the .deb', () => {
  it('is named and described as a Debian binary package of this version', () => {
    expect(existsSync(deb)).toBe(true);
    const field = (f: string) => run('dpkg-deb', ['-f', deb, f]).stdout.trim();
    expect(field('Package')).toBe('gpuoptimizer-agent');
    expect(field('Version')).toBe(AGENT_VERSION);
    expect(field('Architecture')).toBe(DEB_ARCH);
    expect(field('Maintainer')).toMatch(/<.+@.+>/);
    expect(field('Depends')).toMatch(/\bpasswd\b/);
    // The glibc that Node.js and the SQLite addon inside need.
    expect(field('Depends')).toMatch(/\blibc6 \(>= 2\.\d+(\.\d+)?\)/);
    expect(Number(field('Installed-Size'))).toBeGreaterThan(40_000);
    expect(field('Description')).toMatch(/GPUOptimizer agent/);
    const info = run('dpkg-deb', ['-I', deb]).stdout;
    for (const f of ['control', 'conffiles', 'md5sums', 'postinst', 'prerm', 'postrm']) expect(info).toMatch(new RegExp(`\\b${f}\\b`));
  });

  it('holds the executable, the unit, the config as a conffile, all owned by root', () => {
    const c = contents();
    const expectFile = (p: string, mode: string) => {
      expect(c.get(p), `${p} in the package`).toBeDefined();
      expect(c.get(p)!.mode, p).toBe(mode);
      expect(c.get(p)!.owner, p).toBe('root/root');
    };
    expectFile('/usr/bin/gpuoptimizer-agent', '-rwxr-xr-x');
    expect(c.get('/usr/bin/gpuoptimizer-agent')!.size).toBeGreaterThan(40 * 1024 * 1024);
    expectFile(`/lib/systemd/system/${UNIT}`, '-rw-r--r--');
    expectFile('/etc/gpuoptimizer/agent.yaml', '-rw-r-----');
    expectFile('/etc/default/gpuoptimizer-agent', '-rw-r-----');
    expectFile('/usr/share/doc/gpuoptimizer-agent/copyright', '-rw-r--r--');
    for (const [p, e] of c) expect(e.owner, p).toBe('root/root');

    const ctrl = scratchDir(tempDir('deb-ctrl'));
    run('dpkg-deb', ['-e', deb, join(ctrl, 'DEBIAN')]);
    expect(readFileSync(join(ctrl, 'DEBIAN', 'conffiles'), 'utf8').trim().split('\n').sort()).toEqual(['/etc/default/gpuoptimizer-agent', '/etc/gpuoptimizer/agent.yaml']);
    for (const s of ['postinst', 'prerm', 'postrm']) {
      const p = join(ctrl, 'DEBIAN', s);
      expect(statSync(p).mode & 0o777, s).toBe(0o755);
      expect(readFileSync(p, 'utf8')).toMatch(/^#!\/bin\/sh\n/);
      run('sh', ['-n', p]);
    }
    // md5sums cover every shipped file but the conffiles.
    const sums = readFileSync(join(ctrl, 'DEBIAN', 'md5sums'), 'utf8');
    expect(sums).toMatch(/ usr\/bin\/gpuoptimizer-agent$/m);
    expect(sums).not.toMatch(/etc\//);
  });

  it('has a unit that systemd-analyze verify accepts, with the hardening in place', () => {
    requireTool('systemd-analyze', 'systemd');
    const root = scratchDir(tempDir('deb-x'));
    run('dpkg-deb', ['-x', deb, root]);
    const unitText = readFileSync(join(root, 'lib/systemd/system', UNIT), 'utf8');
    // The unit as shipped, pointed at the extracted executable (verify needs ExecStart to exist).
    const exe = join(root, 'usr/bin/gpuoptimizer-agent');
    expect(run(exe, ['version'], { env: { PATH: '/usr/bin:/bin', HOME: root } }).stdout).toContain(AGENT_VERSION);
    const copy = join(scratchDir(tempDir('unit')), UNIT);
    writeFileSync(copy, unitText.replace('ExecStart=/usr/bin/gpuoptimizer-agent ', `ExecStart=${exe} `));
    const v = run('systemd-analyze', ['verify', copy], { allowFail: true });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr.trim(), 'systemd-analyze warnings').toBe('');

    const directives = new Map<string, string[]>();
    for (const line of unitText.split('\n')) {
      const m = line.match(/^([A-Za-z]+)=(.*)$/);
      if (m) directives.set(m[1]!, [...(directives.get(m[1]!) ?? []), m[2]!]);
    }
    const one = (k: string) => directives.get(k)?.at(-1);
    expect(one('ExecStart')).toBe('/usr/bin/gpuoptimizer-agent run --config /etc/gpuoptimizer/agent.yaml');
    expect(one('User')).toBe('gpuoptimizer');
    expect(one('SupplementaryGroups')).toBe('video');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('StateDirectory')).toBe('gpuoptimizer');
    expect(one('ReadWritePaths')).toBe('/var/lib/gpuoptimizer');
    expect(one('Restart')).toBe('on-failure');
    expect(one('EnvironmentFile')).toBe('-/etc/default/gpuoptimizer-agent');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('DevicePolicy')).toBe('closed');
    expect(directives.get('DeviceAllow')).toEqual(expect.arrayContaining(['/dev/nvidiactl rw', 'char-nvidia-frontend rw', 'char-nvidia-uvm rw']));
    expect(one('MemoryDenyWriteExecute')).toBeUndefined(); // V8's JIT needs W+X pages
    expect(one('WantedBy')).toBe('multi-user.target');
    // The executable's buffer path is the state directory.
    expect(readFileSync(join(root, 'etc/gpuoptimizer/agent.yaml'), 'utf8')).toMatch(/^buffer: \/var\/lib\/gpuoptimizer\/buffer\.db$/m);
  });

  it('ships a config file the agent accepts, every commented example included', () => {
    const file = join(ROOT, 'installers', 'config', 'agent.yaml');
    expect(readConfigFile(file)).toMatchObject({ collector: '127.0.0.1:50051', buffer: '/var/lib/gpuoptimizer/buffer.db' });
    // Uncomment every `# key: value` example: each must be a setting the agent knows.
    const all = readFileSync(file, 'utf8').replace(/^# ([a-z_]+: \S+)$/gm, '$1');
    const copy = join(scratchDir(tempDir('cfg')), 'agent.yaml');
    writeFileSync(copy, all);
    const keys = Object.keys(readConfigFile(copy));
    for (const k of ['collector', 'api_key', 'interval', 'nvidia_smi', 'buffer', 'buffer_max_mb', 'insecure', 'ca', 'agent_id', 'cloud_provider', 'instance_type', 'region', 'log_level']) {
      expect(keys, k).toContain(k);
    }
  });

  it('installs, keeps an edited config on upgrade, removes and purges cleanly (dpkg into a scratch root)', () => {
    requireTool('dpkg', 'dpkg');
    requireTool('useradd', 'passwd');
    requireTool('deb-systemd-helper', 'init-system-helpers');
    const root = scratchDir(scratchRoot('dpkg', true));
    const dpkg = (...args: string[]) => run('dpkg', [`--root=${root}`, '--force-script-chrootless', '--force-depends', '--log=/dev/null', ...args], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const account = (file: 'passwd' | 'group', name: string) => readFileSync(join(root, 'etc', file), 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));

    dpkg('-i', deb);
    expect(run('dpkg', [`--root=${root}`, '-s', 'gpuoptimizer-agent']).stdout).toMatch(/^Status: install ok installed$/m);
    const user = account('passwd', 'gpuoptimizer');
    expect(user).toMatch(/^gpuoptimizer:x:\d+:\d+:[^:]*:\/var\/lib\/gpuoptimizer:\/usr\/sbin\/nologin$/);
    const [uid, gid] = user!.split(':').slice(2, 4).map(Number);
    if (account('group', 'video')) expect(account('group', 'video')).toMatch(/[:,]gpuoptimizer(,|$)/);
    const st = (p: string) => statSync(join(root, p));
    expect(st('var/lib/gpuoptimizer').uid).toBe(uid);
    expect(st('var/lib/gpuoptimizer').mode & 0o777).toBe(0o750);
    expect(st('etc/gpuoptimizer/agent.yaml').gid).toBe(gid);
    expect(st('etc/gpuoptimizer/agent.yaml').mode & 0o777).toBe(0o640);
    expect(st('etc/gpuoptimizer/agent.yaml').uid).toBe(0);
    const wants = join(root, 'etc/systemd/system/multi-user.target.wants', UNIT);
    expect(readlinkSync(wants)).toBe(`/lib/systemd/system/${UNIT}`);

    // Upgrade (reinstall) with an edited conffile: the edit stays.
    const conf = join(root, 'etc/gpuoptimizer/agent.yaml');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^api_key: ""$/m, 'api_key: "gpo_kept_on_upgrade"'));
    dpkg('--force-confold', '-i', deb);
    expect(readFileSync(conf, 'utf8')).toMatch(/^api_key: "gpo_kept_on_upgrade"$/m);
    expect(account('passwd', 'gpuoptimizer')).toBe(user); // not created twice

    // Remove: the program goes, the config and buffer stay.
    dpkg('-r', 'gpuoptimizer-agent');
    expect(existsSync(join(root, 'usr/bin/gpuoptimizer-agent'))).toBe(false);
    expect(existsSync(join(root, 'lib/systemd/system', UNIT))).toBe(false);
    expect(existsSync(conf)).toBe(true);
    expect(existsSync(join(root, 'var/lib/gpuoptimizer'))).toBe(true);

    // Purge: nothing of ours is left, the user neither.
    dpkg('-P', 'gpuoptimizer-agent');
    for (const p of ['etc/gpuoptimizer', 'etc/default/gpuoptimizer-agent', 'var/lib/gpuoptimizer', 'var/cache/gpuoptimizer', `etc/systemd/system/multi-user.target.wants/${UNIT}`, `etc/systemd/system/${UNIT}`]) {
      expect(existsSync(join(root, p)) || isLink(join(root, p)), p).toBe(false);
    }
    expect(account('passwd', 'gpuoptimizer')).toBeUndefined();
    expect(account('group', 'gpuoptimizer')).toBeUndefined();
    expect(run('dpkg', [`--root=${root}`, '-l'], { allowFail: true }).stdout).not.toMatch(/gpuoptimizer-agent/);
  }, 120_000);

  it('passes shellcheck: maintainer scripts, build.sh, install.sh, uninstall.sh', () => {
    requireTool('shellcheck', 'shellcheck');
    const scripts = ['deb/debian/postinst', 'deb/debian/prerm', 'deb/debian/postrm', 'deb/build.sh', 'install.sh', 'uninstall.sh'].map((s) => join(ROOT, 'installers', s));
    const r = run('shellcheck', ['--severity=style', ...scripts], { allowFail: true });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

describe('install.sh (other distributions)', () => {
  let bundle: string;

  beforeAll(() => {
    // The release tarball: executable, install.sh, uninstall.sh, unit, config.
    bundle = scratchDir(tempDir('tarball'));
    run('tar', ['-xzf', tarball, '-C', bundle]);
    bundle = join(bundle, `gpuoptimizer-agent-${AGENT_VERSION}-linux-${NODE_ARCH}`);
    for (const f of ['gpuoptimizer-agent', 'install.sh', 'uninstall.sh', `systemd/${UNIT}`, 'config/agent.yaml', 'config/gpuoptimizer-agent.default']) {
      expect(existsSync(join(bundle, f)), f).toBe(true);
    }
  });

  it('installs into a root from its tarball, converges when run again, and keeps edits', () => {
    requireTool('useradd', 'passwd');
    const root = scratchDir(scratchRoot('inst'));
    const install = (...args: string[]) => run('sh', [join(bundle, 'install.sh'), '--root', root, ...args]);
    const first = install('--collector', 'collector.example.com:50051', '--api-key', 'gpo_a"b\\c', '--insecure');
    expect(first.stdout).toMatch(/created \/etc\/gpuoptimizer\/agent\.yaml/);

    const bin = join(root, 'usr/local/bin/gpuoptimizer-agent');
    expect(statSync(bin).mode & 0o777).toBe(0o755);
    expect(run(bin, ['version'], { env: { PATH: '/usr/bin:/bin', HOME: root } }).stdout).toContain(AGENT_VERSION);
    const unit = readFileSync(join(root, 'etc/systemd/system', UNIT), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/bin\/gpuoptimizer-agent run --config \/etc\/gpuoptimizer\/agent\.yaml$/m);
    expect(unit.replace(/^ExecStart=.*$/m, '')).toBe(readFileSync(join(ROOT, 'installers/systemd', UNIT), 'utf8').replace(/^ExecStart=.*$/m, ''));
    expect(readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants', UNIT))).toBe(`/etc/systemd/system/${UNIT}`);

    const conf = join(root, 'etc/gpuoptimizer/agent.yaml');
    expect(parseYaml(readFileSync(conf, 'utf8'))).toMatchObject({ collector: 'collector.example.com:50051', api_key: 'gpo_a"b\\c', insecure: true });
    expect(readConfigFile(conf)).toMatchObject({ api_key: 'gpo_a"b\\c' });
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    const user = passwd.split('\n').find((l) => l.startsWith('gpuoptimizer:'))!;
    expect(user).toMatch(/:\/var\/lib\/gpuoptimizer:/);
    const gid = Number(user.split(':')[3]);
    expect(statSync(conf).gid).toBe(gid);
    expect(statSync(conf).mode & 0o777).toBe(0o640);
    expect(statSync(join(root, 'var/lib/gpuoptimizer')).uid).toBe(Number(user.split(':')[2]));

    // Idempotent: the same command changes nothing.
    const before = snapshotTree(root);
    install('--collector', 'collector.example.com:50051', '--api-key', 'gpo_a"b\\c', '--insecure');
    expect(snapshotTree(root)).toEqual(before);

    // A hand edit survives a plain rerun; a new --api-key replaces only that line.
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^# interval: 5s$/m, 'interval: 10s'));
    install('--api-key', 'gpo_new');
    const after = parseYaml(readFileSync(conf, 'utf8'));
    expect(after).toMatchObject({ collector: 'collector.example.com:50051', api_key: 'gpo_new', interval: '10s' });

    // Uninstall keeps settings and buffer; --purge removes everything, the user included.
    run('sh', [join(bundle, 'uninstall.sh'), '--root', root]);
    expect(existsSync(bin)).toBe(false);
    expect(existsSync(join(root, 'etc/systemd/system', UNIT))).toBe(false);
    expect(isLink(join(root, 'etc/systemd/system/multi-user.target.wants', UNIT))).toBe(false);
    expect(existsSync(conf)).toBe(true);
    run('sh', [join(bundle, 'uninstall.sh'), '--root', root, '--purge']);
    for (const p of ['etc/gpuoptimizer', 'etc/default/gpuoptimizer-agent', 'var/lib/gpuoptimizer']) expect(existsSync(join(root, p)), p).toBe(false);
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).not.toMatch(/^gpuoptimizer:/m);
    expect(readFileSync(join(root, 'etc/group'), 'utf8')).not.toMatch(/^gpuoptimizer:/m);
  }, 60_000);

  it('refuses bad input before touching anything', () => {
    const root = scratchDir(scratchRoot('inst-bad'));
    const before = snapshotTree(root);
    const bad = (...args: string[]) => run('sh', [join(bundle, 'install.sh'), '--root', root, ...args], { allowFail: true });
    expect(bad('--collector', 'no-port').stderr).toMatch(/--collector: expected host:port/);
    expect(bad('--binary', join(root, 'missing')).stderr).toMatch(/not found/);
    expect(bad('--frobnicate').stderr).toMatch(/unknown option/);
    expect(bad('--purge').stderr).toMatch(/--purge goes with --uninstall/);
    expect(snapshotTree(root)).toEqual(before);
    expect(run('sh', [join(bundle, 'install.sh'), '--help']).stdout).toMatch(/--uninstall/);
  });

  it('finds the executable next to it in a checkout layout (installers/ + dist/)', () => {
    const root = scratchDir(scratchRoot('inst-co'));
    const checkout = scratchDir(tempDir('checkout'));
    mkdirSync(join(checkout, 'dist'));
    run('cp', ['-r', join(ROOT, 'installers'), join(checkout, 'installers')]);
    run('cp', [join(bundle, 'gpuoptimizer-agent'), join(checkout, 'dist', `gpuoptimizer-agent-linux-${NODE_ARCH}`)]);
    chmodSync(join(checkout, 'dist', `gpuoptimizer-agent-linux-${NODE_ARCH}`), 0o755);
    run('sh', [join(checkout, 'installers', 'install.sh'), '--root', root, '--no-start']);
    expect(existsSync(join(root, 'usr/local/bin/gpuoptimizer-agent'))).toBe(true);
  });
});
