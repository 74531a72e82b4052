/**
 * The exporter's one error vocabulary: every gRPC status is mapped here, once, to what the
 * exporter does about it.
 */
import { status as Status } from '@grpc/grpc-js';

/**
 * - `auth`: the key is wrong or lacks rights; sending again cannot help (stop, say so loudly).
 * - `invalid`: the collector refused what was sent; the offending batch is dropped and counted.
 * - `retryable`: the collector or network is away for now; reconnect with backoff.
 */
export type ErrorKind = 'auth' | 'invalid' | 'retryable';

const KIND_BY_CODE: Partial<Record<Status, ErrorKind>> = {
  [Status.UNAUTHENTICATED]: 'auth',
  [Status.PERMISSION_DENIED]: 'auth',
  [Status.INVALID_ARGUMENT]: 'invalid',
};

/** Maps a gRPC status code to what the exporter does about it; anything unknown is retryable. */
export function classifyStatus(code: Status): ErrorKind {
  // UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL (resets), CANCELLED, OK (a
  // stream the collector closed while draining) and anything new all mean "try again later".
  return KIND_BY_CODE[code] ?? 'retryable';
}

/** The status code's name, for logs and `status --json`. */
export function statusName(code: Status): string {
  return Status[code] ?? String(code);
}
