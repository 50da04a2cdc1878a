// A pure rule's "no" (CONTRIBUTING.md rule 3: libs decide): the api error code it maps to, a reason a client can
// branch on (it travels as `extensions.reason`), and a message naming what was refused. Services turn it into an
// AppError with refusalError; the rule itself stays free of any framework.
import { AppError, type AppErrorCode } from './app-error';

export interface Refusal<R extends string = string> {
  readonly code: AppErrorCode;
  readonly reason: R;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function refusalError(refusal: Refusal): AppError {
  return new AppError(refusal.code, refusal.message, { reason: refusal.reason, ...refusal.details });
}
