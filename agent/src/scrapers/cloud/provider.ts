/** What every provider query is given. */
export interface ProviderQuery {
  baseUrl: string;
  timeoutMs: number;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}
