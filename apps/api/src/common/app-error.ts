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
  | 'QUERY_TOO_COMPLEX';

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
  }
}
