// The one error type. Anything thrown below a handler that is not an AppError is
// a bug: it is logged with the request id and answered with a generic 500.

/** Machine-readable error codes and the HTTP status each one maps to. */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_audit_log_event: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_key_reused: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limit_exceeded: 429,
  server_misconfigured: 500,
  service_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One entry of an error's `errors` array. Its shape is the wire shape of the API generation. */
export type ErrorDetail = Record<string, unknown>;

/**
 * One neutral problem with a request: where (a path into the body or the parameter's
 * name) and what. Layers below the API throw these; only `api/wire/*` turns them into
 * either WorkOS shape.
 */
export interface Problem {
  path: (string | number)[];
  /** `required` when the value is missing, `unknown_field` for a field we do not accept, else `invalid`. */
  kind: 'required' | 'unknown_field' | 'invalid';
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: ErrorDetail[];
  /** Neutral problems, rendered into the caller's wire shape at the API edge. */
  readonly problems?: Problem[];
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { errors?: ErrorDetail[]; problems?: Problem[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.errors = options.errors;
    this.problems = options.problems;
    this.headers = options.headers;
  }
}
