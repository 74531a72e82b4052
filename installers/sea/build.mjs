#!/usr/bin/env node
/**
 * Builds the agent as one self-contained executable with Node's single-executable applications
 * (SEA): dist/gpuoptimizer-agent-<platform>-<arch> (dist/gpuoptimizer-agent-linux-x64 here).
 *
 *   1. esbuild bundles agent/dist/main.js (the compiled CLI; run `tsc -b` first, which
 *      `npm run build:agent` does) and every dependency into one CommonJS file, with
 *        - the ingest .proto text (and the instance catalog CSV) embedded, since the bundle
 *          cannot read files that sat beside shared/dist;
 *        - better-sqlite3's `require('bindings')(...)` replaced by a loader that takes the
 *          native addon out of the executable (a SEA asset), writes it once to a private cache
 *          directory under a content-hashed name and loads it with process.dlopen;
 *        - the git commit stamped in (GPUOPT_GIT_COMMIT, read by agent/src/version.ts).
 *   2. `node --experimental-sea-config` turns the bundle and the addon into a preparation blob.
 *   3. A copy of this Node.js binary (stripped of debug symbols when `strip` exists) gets the
 *      blob injected by postject under the NODE_SEA_FUSE sentinel.
 *   4. The result is smoke-tested (`version`) from an empty directory.
 *
 * Options: --dist <dir> (default dist/: the executable, and sea/ for the bundle, blob and
 * THIRD_PARTY_LICENSES.txt), --out <file> (default <dist>/gpuoptimizer-agent-<platform>-<arch>),
 * --no-strip, --no-code-cache. Environment: GPUOPT_GIT_COMMIT overrides the commit read from git.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const ADDON_ASSET = 'better_sqlite3.node';
const started = Date.now();
const step = (msg) => console.log(`[build:agent] ${msg}`);
const fail = (msg) => {
  console.error(`[build:agent] error: ${msg}`);
  process.exit(1);
};
const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) fail(`Node.js >= 20.12 is needed for SEA assets (this is ${process.version})`);

const agentMain = resolve(option('--main') ?? join(root, 'agent', 'dist', 'main.js'));
if (!existsSync(agentMain)) fail(`${relative(root, agentMain)} is missing: run \`tsc -b\` first (npm run build:agent does)`);
const protoFile = join(root, 'shared', 'proto', 'gpuoptimizer', 'v1', 'ingest.proto');
const catalogFile = join(root, 'shared', 'data', 'gpu-instances.csv');
let addonFile;
try {
  addonFile = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
} catch {
  fail('better-sqlite3 is not installed (npm install)');
}
if (!existsSync(addonFile)) fail(`${addonFile} is missing: better-sqlite3's native addon was not built (npm rebuild better-sqlite3)`);

const agentPkg = JSON.parse(readFileSync(join(root, 'agent', 'package.json'), 'utf8'));
const version = agentPkg.version;
const commit = process.env.GPUOPT_GIT_COMMIT || gitCommit() || 'unknown';

const platformName = `${process.platform}-${process.arch}`;
const distDir = resolve(option('--dist') ?? join(root, 'dist'));
const out = resolve(option('--out') ?? join(distDir, `gpuoptimizer-agent-${platformName}`));
const work = join(distDir, 'sea');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
mkdirSync(dirname(out), { recursive: true });

step(`agent ${version} (commit ${commit}) for ${platformName} with Node.js ${process.version}`);

function gitCommit() {
  try {
    const opts = { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 };
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], opts).toString().trim();
    if (!/^[0-9a-f]{7,40}$/.test(sha)) return null;
    // "+dirty" when the sources that go into the executable differ from the commit.
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'agent/src', 'shared/src', 'shared/proto', 'package-lock.json'], opts).toString().trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Bundle
// ---------------------------------------------------------------------------------------------
/** The entry mirrors agent/bin/gpuoptimizer-agent.js: `process.exit(await main(argv))`. */
const entrySource = `
import { main } from ${JSON.stringify(agentMain)};
if (!process.env.GPUOPT_GIT_COMMIT) process.env.GPUOPT_GIT_COMMIT = ${JSON.stringify(commit)};
Promise.resolve()
  .then(() => main(process.argv.slice(2)))
  .then(
    (code) => process.exit(typeof code === 'number' ? code : 0),
    (err) => { console.error(err && err.stack ? err.stack : String(err)); process.exit(1); },
  );
`;

/** The native addon loader that replaces `require('bindings')('better_sqlite3.node')`. */
const addonLoaderSource = `'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const ASSET = ${JSON.stringify(ADDON_ASSET)};
const BUILD_TIME_PATH = ${JSON.stringify(addonFile)};

function seaAddon() {
  let sea;
  try { sea = require('node:sea'); } catch { return null; }
  return sea.isSea() ? Buffer.from(sea.getRawAsset(ASSET)) : null;
}

/** Where the addon may be unpacked, most specific first. Each is private to this user. */
function candidateDirs() {
  const env = process.env;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const dirs = [];
  if (env.GPUOPT_NATIVE_DIR) dirs.push(env.GPUOPT_NATIVE_DIR);
  if (env.CACHE_DIRECTORY) dirs.push(path.join(env.CACHE_DIRECTORY.split(':')[0], 'native')); // systemd CacheDirectory=
  if (env.XDG_CACHE_HOME) dirs.push(path.join(env.XDG_CACHE_HOME, 'gpuoptimizer'));
  if (env.HOME && env.HOME !== '/') dirs.push(path.join(env.HOME, '.cache', 'gpuoptimizer'));
  if (fs.existsSync('/var/lib/gpuoptimizer')) dirs.push('/var/lib/gpuoptimizer/.native');
  dirs.push(path.join(os.tmpdir(), 'gpuoptimizer-' + uid));
  return [...new Set(dirs.map((d) => path.resolve(d)))];
}

/** mkdir -p, bounded (fs.mkdirSync's recursive mode can spin forever on some file systems). */
function makeDirs(dir) {
  const missing = [];
  let d = dir;
  for (let i = 0; i < 64 && !fs.existsSync(d); i++) {
    missing.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    try { fs.mkdirSync(m, { mode: 0o700 }); } catch (err) { if (!err || err.code !== 'EEXIST') throw err; }
  }
}

function sameFile(file, bytes, digest) {
  try {
    if (fs.statSync(file).size !== bytes.length) return false;
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') === digest;
  } catch {
    return false;
  }
}

function unpackAndLoad(bytes) {
  const digest = crypto.createHash('sha256').update(bytes).digest('hex');
  const name = 'better_sqlite3-' + digest.slice(0, 16) + '.node';
  const errors = [];
  for (const dir of candidateDirs()) {
    try {
      makeDirs(dir);
      const st = fs.statSync(dir);
      if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error('owned by another user');
      if (st.mode & 0o022) throw new Error('writable by group or others');
      const file = path.join(dir, name);
      if (!sameFile(file, bytes, digest)) {
        const tmp = file + '.' + process.pid + '.tmp';
        fs.writeFileSync(tmp, bytes, { mode: 0o500 });
        fs.renameSync(tmp, file);
      }
      const mod = { exports: {} };
      process.dlopen(mod, file);
      // Addons of other versions left by earlier upgrades.
      for (const old of fs.readdirSync(dir)) {
        if (old !== name && /^better_sqlite3-[0-9a-f]{16}\\.node$/.test(old)) {
          try { fs.unlinkSync(path.join(dir, old)); } catch { /* in use or gone */ }
        }
      }
      return mod.exports;
    } catch (err) {
      errors.push(dir + ': ' + (err && err.message ? err.message.split('\\n')[0] : String(err)));
    }
  }
  throw new Error(
    'cannot unpack the SQLite native addon; tried:\\n  ' + errors.join('\\n  ') +
      '\\nset GPUOPT_NATIVE_DIR to a writable directory on a file system that allows executables',
  );
}

function load() {
  const bytes = seaAddon();
  if (bytes) return unpackAndLoad(bytes);
  // The bundle run by plain node (debugging): the addon it was built with.
  const mod = { exports: {} };
  process.dlopen(mod, BUILD_TIME_PATH);
  return mod.exports;
}

module.exports = load();
`;

const norm = (p) => p.split('\\').join('/');
const protoText = readFileSync(protoFile, 'utf8');
const catalogText = existsSync(catalogFile) ? readFileSync(catalogFile, 'utf8') : null;
const patched = { bindings: false, proto: false };

/** esbuild plugin: embeds files the bundle would read at run time and swaps the addon lookup. */
const seaPlugin = {
  name: 'gpuoptimizer-sea',
  setup(build) {
    build.onResolve({ filter: /^gpuopt-native:better-sqlite3$/ }, () => ({ path: 'better-sqlite3', namespace: 'gpuopt-native' }));
    build.onLoad({ filter: /.*/, namespace: 'gpuopt-native' }, () => ({ contents: addonLoaderSource, loader: 'js', resolveDir: root }));

    build.onLoad({ filter: /better-sqlite3[\\/]lib[\\/]database\.js$/ }, (a) => {
      const src = readFileSync(a.path, 'utf8');
      const needle = /require\(\s*['"]bindings['"]\s*\)\(\s*['"]better_sqlite3\.node['"]\s*\)/;
      if (!needle.test(src)) throw new Error(`${a.path}: the bindings lookup this build replaces is gone (better-sqlite3 changed); update installers/sea/build.mjs`);
      patched.bindings = true;
      return { contents: src.replace(needle, "require('gpuopt-native:better-sqlite3')"), loader: 'js' };
    });

    // agent/dist/main.js runs itself when it is the node entry (`if (... import.meta.url ...)
    // { process.exit(await main(...)) }`): a top-level await that CommonJS cannot hold, and
    // the SEA entry calls main() itself. Drop that guarded block.
    build.onLoad({ filter: /agent[\\/]dist[\\/]main\.js$/ }, (a) => {
      const src = readFileSync(a.path, 'utf8');
      const guard = /^if \([^\n]*import\.meta\.url[^\n]*\) \{\n[\s\S]*?^\}\n?/m;
      return { contents: src.replace(guard, '/* self-run guard removed by installers/sea/build.mjs */\n'), loader: 'js' };
    });

    build.onLoad({ filter: /shared[\\/]dist[\\/](proto|catalog)\.js$/ }, (a) => {
      let src = readFileSync(a.path, 'utf8');
      if (norm(a.path).endsWith('/proto.js')) {
        const needle = /readFileSync\(\s*INGEST_PROTO_PATH\s*,\s*['"]utf8['"]\s*\)/;
        if (!needle.test(src)) throw new Error(`${a.path}: expected readFileSync(INGEST_PROTO_PATH, 'utf8') to embed the .proto text; update installers/sea/build.mjs`);
        src = src.replace(needle, JSON.stringify(protoText));
        patched.proto = true;
      } else if (catalogText !== null) {
        src = src.replace(/readFileSync\(\s*bundledCatalogPath\(\)\s*,\s*['"]utf8['"]\s*\)/, JSON.stringify(catalogText));
      }
      return { contents: src, loader: 'js' };
    });
  },
};

const bundleFile = join(work, 'agent.cjs');
step('bundling agent/dist/main.js with esbuild');
const esbuild = await import('esbuild');
const result = await esbuild.build({
  stdin: { contents: entrySource, resolveDir: root, sourcefile: 'sea-entry.mjs', loader: 'js' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: bundleFile,
  plugins: [seaPlugin],
  // import.meta does not exist in CommonJS: give modules that compute paths from it a URL.
  define: { 'import.meta.url': '__gpuopt_import_meta_url' },
  banner: { js: 'var __gpuopt_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  legalComments: 'none',
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
});
if (result.errors.length) fail('esbuild failed');
if (!patched.proto) fail('the ingest .proto text was not embedded (shared/dist/proto.js not in the bundle?)');
if (!patched.bindings) step('note: better-sqlite3 is not in the bundle; no native addon needed');
writeFileSync(join(work, 'meta.json'), JSON.stringify(result.metafile));
step(`bundle ${relative(root, bundleFile)}: ${mib(statSync(bundleFile).size)}`);

// Licences of everything bundled, for the .deb's /usr/share/doc.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = norm(input).match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  if (m) packages.add(m[m.length - 1].replace(/^node_modules\//, '').replace(/\/$/, ''));
}
const licenceParts = [];
for (const name of [...packages].sort()) {
  let dir;
  try {
    dir = dirname(require.resolve(`${name}/package.json`));
  } catch {
    continue;
  }
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE', 'LICENSE-MIT'].map((f) => join(dir, f)).find(existsSync);
  licenceParts.push(`${'='.repeat(78)}\n${name} ${pkg.version} (${pkg.license ?? 'see below'})\n${'='.repeat(78)}\n${file ? readFileSync(file, 'utf8').trim() : '(no licence file shipped)'}\n`);
}
const nodeLicence = ['/usr/share/doc/nodejs/LICENSE', join(dirname(process.execPath), '..', 'share', 'doc', 'node', 'LICENSE')].find(existsSync);
if (nodeLicence) licenceParts.unshift(`${'='.repeat(78)}\nNode.js ${process.version}\n${'='.repeat(78)}\n${readFileSync(nodeLicence, 'utf8').trim()}\n`);
writeFileSync(join(work, 'THIRD_PARTY_LICENSES.txt'), licenceParts.join('\n'));

// ---------------------------------------------------------------------------------------------
// 2. Preparation blob
// ---------------------------------------------------------------------------------------------
const blobFile = join(work, 'sea-prep.blob');
const seaConfig = {
  main: bundleFile,
  output: blobFile,
  disableExperimentalSEAWarning: true,
  useSnapshot: false,
  useCodeCache: !flag('--no-code-cache'),
  assets: patched.bindings ? { [ADDON_ASSET]: addonFile } : {},
};
writeFileSync(join(work, 'sea-config.json'), JSON.stringify(seaConfig, null, 2));
step('writing the SEA preparation blob');
const prep = spawnSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { cwd: work, encoding: 'utf8' });
if (prep.status !== 0) fail(`node --experimental-sea-config failed:\n${prep.stdout}${prep.stderr}`);
step(`blob: ${mib(statSync(blobFile).size)}`);

// ---------------------------------------------------------------------------------------------
// 3. Inject into a copy of node
// ---------------------------------------------------------------------------------------------
const nodeBinary = readFileSync(process.execPath);
if (!nodeBinary.includes(SENTINEL)) fail(`${process.execPath} has no ${SENTINEL} fuse: this Node.js build cannot make single executables`);
const base = join(work, 'node');
copyFileSync(process.execPath, base);
chmodSync(base, 0o755);
if (!flag('--no-strip')) {
  const strip = spawnSync('strip', ['--strip-all', base], { encoding: 'utf8' });
  if (strip.error) step('strip not found: keeping debug symbols (install binutils for a smaller executable)');
  else if (strip.status !== 0) fail(`strip failed: ${strip.stderr}`);
  else step(`stripped node: ${mib(statSync(process.execPath).size)} -> ${mib(statSync(base).size)}`);
}
step('injecting the blob with postject');
const { inject } = require('postject');
// postject's LIEF prints harmless "Can't find string offset" warnings on some Node builds.
await inject(base, 'NODE_SEA_BLOB', readFileSync(blobFile), { sentinelFuse: SENTINEL });
rmSync(out, { force: true });
copyFileSync(base, out);
chmodSync(out, 0o755);
rmSync(base, { force: true });

// ---------------------------------------------------------------------------------------------
// 4. Smoke test from an empty directory, with no node on PATH
// ---------------------------------------------------------------------------------------------
const smokeDir = join(work, 'smoke');
mkdirSync(smokeDir, { recursive: true });
const t0 = process.hrtime.bigint();
const smoke = spawnSync(out, ['version'], { cwd: smokeDir, encoding: 'utf8', env: { PATH: '/nonexistent' }, timeout: 30_000 });
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
if (smoke.status !== 0 || !smoke.stdout.includes(version)) fail(`smoke test \`${out} version\` failed (exit ${smoke.status}):\n${smoke.stdout}${smoke.stderr}`);
rmSync(smokeDir, { recursive: true, force: true });
// The oldest glibc it runs on: the newest symbol version that Node.js or the addon asks for.
// An addon compiled here needs this host's glibc; build on an old distribution (e.g. the
// node:20-bullseye stage of installers/docker/agent.Dockerfile) for fleets of older hosts.
const glibcOf = (file) => {
  let best = null;
  for (const m of readFileSync(file).toString('latin1').matchAll(/GLIBC_2\.(\d+)(?:\.(\d+))?(?![\d.])/g)) {
    const v = [2, Number(m[1]), Number(m[2] ?? 0)];
    if (!best || v[1] > best[1] || (v[1] === best[1] && v[2] > best[2])) best = v;
  }
  return best ? best.filter((n, i) => i < 2 || n > 0).join('.') : null;
};
const glibcNode = glibcOf(process.execPath);
const glibcAddon = patched.bindings ? glibcOf(addonFile) : null;
const cmpVer = (a, b) => a.localeCompare(b, undefined, { numeric: true });
const glibc = [glibcNode, glibcAddon].filter(Boolean).sort(cmpVer).at(-1) ?? null;
if (glibc) {
  writeFileSync(join(work, 'glibc-version'), `${glibc}\n`);
  step(`runs on glibc >= ${glibc} (Node.js needs ${glibcNode ?? '?'}, the SQLite addon ${glibcAddon ?? '-'})`);
}

const size = statSync(out).size;
const digest = createHash('sha256').update(readFileSync(out)).digest('hex');
writeFileSync(`${out}.sha256`, `${digest}  ${out.split('/').pop()}\n`);
step(`\`version\` → ${smoke.stdout.trim().split('\n')[0]} (${ms.toFixed(0)} ms)`);
step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${relative(process.cwd(), out) || out} ${mib(size)} (${size} bytes), sha256 ${digest.slice(0, 16)}…`);
