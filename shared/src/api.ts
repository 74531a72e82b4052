/** Types of the REST API envelope (API-SPEC.md "Response Formats"), shared with SDKs. */

/** The API-SPEC error codes; each maps to exactly one HTTP status. */
export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'UNAVAILABLE';

/** HTTP status of each error code: the one table. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
};

export interface Pagination {
  page: number;
  per_page: number;
  total: number;
  pages: number;
  has_next: boolean;
  has_prev: boolean;
}

export interface SuccessEnvelope<T> {
  success: true;
  data: T;
  message: string;
  timestamp: string;
  pagination?: Pagination;
}

export interface ErrorEnvelope {
  success: false;
  error: { code: ErrorCode; message: string; details?: unknown; request_id?: string };
  timestamp: string;
}

/** Builds the pagination object of API-SPEC.md. */
export function paginate(page: number, perPage: number, total: number): Pagination {
  const pages = Math.max(1, Math.ceil(total / perPage));
  return { page, per_page: perPage, total, pages, has_next: page < pages, has_prev: page > 1 };
}
