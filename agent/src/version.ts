/** The agent's version and, when known, the git commit it was built from. */
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Kept equal to agent/package.json's version (a test checks it); no JSON import, so bundlers need nothing. */
export const AGENT_VERSION = '0.1.0';

/**
 * The commit: GPUOPT_GIT_COMMIT stamped in by a build, else asked of git when running from a
 * checkout, else null. Never throws and never waits more than a second.
 */
export function gitCommit(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  if (env['GPUOPT_GIT_COMMIT']) return env['GPUOPT_GIT_COMMIT'];
  try {
    const cwd = dirname(fileURLToPath(import.meta.url));
    const out = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, timeout: 1000, stdio: ['ignore', 'pipe', 'ignore'] });
    const commit = out.toString('utf8').trim();
    return /^[0-9a-f]{7,40}$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}
