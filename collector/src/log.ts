/** The collector's logger: JSON lines (pino) on stderr, secrets redacted. */
import pino from 'pino';

/** Log function shape handed to every part (so parts never import the logger library). */
export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** Creates the process logger and a plain function view of it. */
export function createLogger(level: string): { logger: pino.Logger; log: LogFn } {
  const logger = pino(
    {
      level,
      base: { svc: 'gpuoptimizer-collector' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['*.password', '*.api_key', '*.key', '*.secret_key', '*.access_key', '*.authorization', '*.token'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: false }),
  );
  const log: LogFn = (lvl, msg, fields) => logger[lvl](fields ?? {}, msg);
  return { logger, log };
}
