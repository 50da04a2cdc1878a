// Typed domain errors of the api; graphql/format-error.ts maps them once to `extensions.code`.
export type AppErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FAILED_PRECONDITION'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'QUERY_TOO_DEEP'
  | 'QUERY_TOO_COMPLEX'
  | 'INSUFFICIENT_STORAGE'
  | 'STORAGE_UNAVAILABLE'
  | 'RANGE_NOT_SATISFIABLE';

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
export const failedPrecondition = (message: string, details?: Record<string, unknown>): AppError =>
  new AppError('FAILED_PRECONDITION', message, details);

/** HTTP status for REST routes (artifacts) from a domain code. */
export function httpStatusOf(code: AppErrorCode): number {
  switch (code) {
    case 'BAD_USER_INPUT':
    case 'QUERY_TOO_DEEP':
    case 'QUERY_TOO_COMPLEX':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'FAILED_PRECONDITION':
      return 412;
    case 'RATE_LIMITED':
      return 429;
    case 'INSUFFICIENT_STORAGE':
      return 507;
    case 'STORAGE_UNAVAILABLE':
      return 503;
    case 'RANGE_NOT_SATISFIABLE':
      return 416;
  }
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
