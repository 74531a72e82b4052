/**
 * A small JSON-lines logger for the agent: one object per line on stderr, so stdout stays
 * free for `once --json` and `status --json`. Secrets handed to it are masked wherever they
 * appear in a message or field, so an API key can never reach a log by accident.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The logging function every agent part is handed (same shape as SamplerOptions.log). */
export type LogFn = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Log levels accepted by `--log-level`. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LoggerOptions {
  level: LogLevel;
  /** Values masked wherever they appear (the API key). */
  secrets?: readonly string[];
  write?: (line: string) => void;
  now?: () => Date;
}

function mask(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const s of secrets) out = out.split(s).join('<redacted>');
    return out;
  }
  if (value instanceof Error) return mask(value.message, secrets);
  if (Array.isArray(value)) return value.map((v) => mask(v, secrets));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mask(v, secrets);
    return out;
  }
  return value;
}

/** Builds a logger that writes JSON lines at or above `level`. */
export function createLogger(opts: LoggerOptions): LogFn {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 4);
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const now = opts.now ?? (() => new Date());
  const min = RANK[opts.level];
  return function log(level, msg, fields) {
    if (RANK[level] < min) return;
    const record = { ts: now().toISOString(), level, msg, ...fields };
    write(JSON.stringify(mask(record, secrets)) + '\n');
  };
}

/** A logger that drops everything (tests, read-only commands). */
export const silentLog: LogFn = () => {};
