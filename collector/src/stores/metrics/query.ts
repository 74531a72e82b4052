/**
 * The one query helper of the metrics store: every read goes through `select`, which owns the
 * time-out, the retry of transient failures and the validation of the rows that come back.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';

/** A failure of the metrics store, split once into retryable and permanent. */
export class MetricsStoreError extends Error {
  override name = 'MetricsStoreError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const TRANSIENT = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up|Timeout|TOO_MANY_SIMULTANEOUS_QUERIES|MEMORY_LIMIT/i;

/** Classifies an error from the client as retryable (network, overload) or permanent (SQL, schema). */
export function classify(err: unknown): MetricsStoreError {
  if (err instanceof MetricsStoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new MetricsStoreError(message, TRANSIENT.test(message), { cause: err });
}

/** Runs reads with a deadline, one retry for transient errors, and zod validation of each row. */
export class Querier {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly timeoutMs = 10_000,
    private readonly retries = 1,
  ) {}

  /** Runs a parameterised SELECT and validates every row against the schema. */
  async select<S extends z.ZodType>(query: string, params: Record<string, unknown>, schema: S): Promise<z.infer<S>[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const rs = await this.client.query({
          query,
          query_params: params,
          format: 'JSONEachRow',
          abort_signal: AbortSignal.timeout(this.timeoutMs),
          clickhouse_settings: { max_execution_time: Math.ceil(this.timeoutMs / 1000), output_format_json_quote_64bit_integers: 0 },
        });
        const rows = await rs.json<unknown>();
        return rows.map((row) => {
          const parsed = schema.safeParse(row);
          if (!parsed.success) throw new MetricsStoreError(`unexpected row from metrics store: ${parsed.error.message}`, false);
          return parsed.data as z.infer<S>;
        });
      } catch (err) {
        const e = classify(err);
        if (!e.retryable || attempt >= this.retries) throw e;
      }
    }
  }

  /** Runs a DDL or other statement that returns no rows. */
  async command(query: string, params: Record<string, unknown> = {}): Promise<void> {
    try {
      await this.client.command({ query, query_params: params });
    } catch (err) {
      throw classify(err);
    }
  }
}
