/**
 * Settings resolved once at start-up from flags, environment and an optional YAML/JSON config
 * file, in that order of precedence, then defaults. Both executables use it, so `--help`,
 * error messages and precedence read the same everywhere.
 */

export type SettingKind = 'string' | 'int' | 'number' | 'bool' | 'duration';

export interface SettingSpec {
  /** Key in the resolved object and in the config file (snake_case). */
  key: string;
  /** Long flag name without dashes, e.g. `nvidia-smi`. */
  flag: string;
  /** Environment variable, e.g. `GPUOPT_NVIDIA_SMI`. */
  env?: string;
  kind: SettingKind;
  default?: string | number | boolean;
  help: string;
  /** Value is a secret: never echoed in errors or dumps. */
  secret?: boolean;
}

export type SettingValue = string | number | boolean | undefined;

/** A configuration mistake a person can fix; the message says which setting and why. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Parses `1s`, `250ms`, `2m`, `1h` or a bare number of milliseconds into milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new SettingsError(`not a duration: "${text}" (use e.g. 250ms, 1s, 5m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1;
  return Math.round(n * factor);
}

function coerce(spec: SettingSpec, raw: unknown, source: string): SettingValue {
  const shown = spec.secret ? '<secret>' : JSON.stringify(raw);
  const fail = (why: string): never => {
    throw new SettingsError(`${source} ${spec.flag}: ${why} (got ${shown})`);
  };
  if (raw === undefined || raw === null) return undefined;
  switch (spec.kind) {
    case 'string':
      return String(raw);
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      return fail('expected true or false');
    }
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n)) fail('expected an integer');
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n)) fail('expected a number');
      return n;
    }
    case 'duration':
      try {
        return typeof raw === 'number' ? raw : parseDurationMs(String(raw));
      } catch {
        return fail('expected a duration such as 250ms, 1s or 5m');
      }
  }
}

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  flags: Map<string, string | true>;
}

/** Splits argv into a command, positionals and `--flag value` / `--flag=value` / `--flag` pairs. */
export function parseArgv(argv: string[], boolFlags: ReadonlySet<string> = new Set()): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h') {
      flags.set('help', true);
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) flags.set(name, arg.slice(eq + 1));
      else if (boolFlags.has(name) || name === 'help' || name === 'json') flags.set(name, true);
      else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) flags.set(name, argv[++i] as string);
      else flags.set(name, true);
    } else {
      positionals.push(arg);
    }
  }
  return { command: positionals.shift(), positionals, flags };
}

/**
 * Resolves every setting: flag, then environment, then config file, then default.
 * Unknown flags are an error, so a typo never silently falls back to a default.
 */
export function resolveSettings(
  specs: readonly SettingSpec[],
  flags: ReadonlyMap<string, string | true>,
  env: Readonly<Record<string, string | undefined>>,
  file: Readonly<Record<string, unknown>> = {},
  extraFlags: readonly string[] = ['help', 'json'],
): Record<string, SettingValue> {
  const known = new Set([...specs.map((s) => s.flag), ...extraFlags]);
  for (const name of flags.keys()) {
    if (!known.has(name)) throw new SettingsError(`unknown flag --${name} (see --help)`);
  }
  const out: Record<string, SettingValue> = {};
  for (const spec of specs) {
    const flag = flags.get(spec.flag);
    if (flag !== undefined) out[spec.key] = coerce(spec, flag === true && spec.kind !== 'bool' ? fail(spec) : flag, 'flag --');
    else if (spec.env && env[spec.env] !== undefined && env[spec.env] !== '') out[spec.key] = coerce(spec, env[spec.env], `environment ${spec.env} for --`);
    else if (file[spec.key] !== undefined) out[spec.key] = coerce(spec, file[spec.key], 'config file key for --');
    else out[spec.key] = coerce(spec, spec.default, 'default of --');
  }
  return out;
}

function fail(spec: SettingSpec): never {
  throw new SettingsError(`flag --${spec.flag} needs a value`);
}

/** Renders the settings table for `--help`. */
export function settingsHelp(specs: readonly SettingSpec[]): string {
  const rows = specs.map((s) => {
    const left = `  --${s.flag}${s.kind === 'bool' ? '' : ' <' + s.kind + '>'}`;
    const env = s.env ? ` [${s.env}]` : '';
    const def = s.default !== undefined && !s.secret ? ` (default: ${String(s.default)})` : '';
    return `${left.padEnd(34)} ${s.help}${env}${def}`;
  });
  return rows.join('\n');
}
