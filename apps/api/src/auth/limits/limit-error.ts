// Errors of the abuse limits: typed AppErrors that also carry the HTTP status (and Retry-After) for Apollo.
import { AppError, type AppErrorCode, httpStatusOf } from '../../common/app-error';

export type LimitCode = Extract<AppErrorCode, 'QUERY_TOO_DEEP' | 'QUERY_TOO_COMPLEX' | 'RATE_LIMITED'>;

export class LimitError extends AppError {
  /** Read by graphql-js when Apollo wraps this error; Apollo takes `http` off before formatError. */
  readonly extensions: { code: LimitCode; http: { status: number; headers: Map<string, string> } };

  constructor(code: LimitCode, message: string, details: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(code, message, details);
    this.extensions = { code, http: { status: httpStatusOf(code), headers: new Map(Object.entries(headers)) } };
  }
}
