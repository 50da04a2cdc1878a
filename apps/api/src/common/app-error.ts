// Typed domain errors of the api and the one table of their codes (CONTRIBUTING.md rule 6): each code's GraphQL
// `extensions.code` (graphql/format-error.ts), HTTP status (common/http-error.ts, REST routes) and MLflow code and
// status (mlflow/mlflow-errors.ts). Adding a code is one row here; the compiler asks for every column, and
// app-error.spec.ts fails on a code that nothing throws.

/** MLflow's error codes (its `error_code`), as the MLflow routes answer them. */
export type MlflowErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'ENDPOINT_NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export interface ErrorCodeRow {
  /** GraphQL `extensions.code`. */
  readonly graphql: string;
  /** HTTP status of a REST answer in the house shape `{ error: { code, message } }`. */
  readonly http: number;
  /**
   * MLflow's code and status. Where MLflow's own status would make its client retry an answer that cannot change (it
   * retries 429 and 5xx), the status says so instead: a body over the limit is 413, a full disk 507.
   */
  readonly mlflow: readonly [MlflowErrorCode, number];
}

export const ERROR_CODES = {
  BAD_USER_INPUT: { graphql: 'BAD_USER_INPUT', http: 400, mlflow: ['INVALID_PARAMETER_VALUE', 400] },
  NOT_FOUND: { graphql: 'NOT_FOUND', http: 404, mlflow: ['RESOURCE_DOES_NOT_EXIST', 404] },
  // An experiment name taken; a param or an artifact path that clashes is refined by reason (mlflow-errors.ts).
  CONFLICT: { graphql: 'CONFLICT', http: 409, mlflow: ['RESOURCE_ALREADY_EXISTS', 400] },
  // A deleted run or experiment, an illegal status move: MLflow answers INVALID_PARAMETER_VALUE for those.
  FAILED_PRECONDITION: { graphql: 'FAILED_PRECONDITION', http: 412, mlflow: ['INVALID_PARAMETER_VALUE', 400] },
  FORBIDDEN: { graphql: 'FORBIDDEN', http: 403, mlflow: ['PERMISSION_DENIED', 403] },
  UNAUTHENTICATED: { graphql: 'UNAUTHENTICATED', http: 401, mlflow: ['UNAUTHENTICATED', 401] },
  RATE_LIMITED: { graphql: 'RATE_LIMITED', http: 429, mlflow: ['REQUEST_LIMIT_EXCEEDED', 429] },
  PAYLOAD_TOO_LARGE: { graphql: 'PAYLOAD_TOO_LARGE', http: 413, mlflow: ['INVALID_PARAMETER_VALUE', 413] },
  QUERY_TOO_DEEP: { graphql: 'QUERY_TOO_DEEP', http: 400, mlflow: ['INVALID_PARAMETER_VALUE', 400] },
  QUERY_TOO_COMPLEX: { graphql: 'QUERY_TOO_COMPLEX', http: 400, mlflow: ['INVALID_PARAMETER_VALUE', 400] },
  INSUFFICIENT_STORAGE: { graphql: 'INSUFFICIENT_STORAGE', http: 507, mlflow: ['RESOURCE_EXHAUSTED', 507] },
  STORAGE_UNAVAILABLE: { graphql: 'STORAGE_UNAVAILABLE', http: 503, mlflow: ['TEMPORARILY_UNAVAILABLE', 503] },
  // A download's Range outside the stored bytes (answered with `content-range: bytes */size`).
  RANGE_NOT_SATISFIABLE: { graphql: 'RANGE_NOT_SATISFIABLE', http: 416, mlflow: ['INVALID_PARAMETER_VALUE', 416] },
} as const satisfies Record<string, ErrorCodeRow>;

export type AppErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id: string): AppError => new AppError('NOT_FOUND', `${what} "${id}" not found`, { what, id });
export const badInput = (message: string, details?: Record<string, unknown>): AppError => new AppError('BAD_USER_INPUT', message, details);
export const conflict = (message: string, details?: Record<string, unknown>): AppError => new AppError('CONFLICT', message, details);
export const failedPrecondition = (message: string, details?: Record<string, unknown>): AppError => new AppError('FAILED_PRECONDITION', message, details);

/** HTTP status for REST routes from a domain code (the table above). */
export function httpStatusOf(code: AppErrorCode): number {
  return ERROR_CODES[code].http;
}

/** The server's storage refusing a write or read, by errno: what the caller is told (the errno's own text names paths). */
const SYSTEM_ERRORS: Record<string, [AppErrorCode, string]> = {
  ENOSPC: ['INSUFFICIENT_STORAGE', "The server's storage is full (ENOSPC); nothing was stored"],
  EDQUOT: ['INSUFFICIENT_STORAGE', "The server's storage quota is exhausted (EDQUOT); nothing was stored"],
  EROFS: ['STORAGE_UNAVAILABLE', "The server's storage is read-only (EROFS)"],
  EACCES: ['STORAGE_UNAVAILABLE', 'The server is not permitted to use its storage (EACCES)'],
  EPERM: ['STORAGE_UNAVAILABLE', 'The server is not permitted to use its storage (EPERM)'],
  EIO: ['STORAGE_UNAVAILABLE', "The server's storage failed (EIO)"],
  EMFILE: ['STORAGE_UNAVAILABLE', 'The server has too many open files (EMFILE); retry later'],
  ENFILE: ['STORAGE_UNAVAILABLE', 'The server has too many open files (ENFILE); retry later'],
  ENAMETOOLONG: ['BAD_USER_INPUT', 'A name is too long for the file system (ENAMETOOLONG)'],
};

/** A file-system error (errno code) as the AppError to answer with; undefined for any other error. */
export function systemErrorOf(e: unknown): AppError | undefined {
  const errno = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  const known = errno ? SYSTEM_ERRORS[errno] : undefined;
  return known ? new AppError(known[0], known[1], { errno }) : undefined;
}
