/** The collector's version, from its package.json, and the git commit when known. */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Semantic version of this build. */
export const VERSION: string = pkg.version;
/** Git commit of this build when the environment says (set by installers). */
export const COMMIT: string = process.env.GPUOPT_COMMIT ?? 'unknown';
