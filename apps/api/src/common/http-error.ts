// The one way a REST route (and the last-resort handlers) answers an error: the status of its code and
// `{ error: { code, message, ...details } }` (CONTRIBUTING.md rule 6), logged with the request id when the server is
// at fault; a response already under way is cut instead, so no client takes a partial body for a whole one.
import { HttpException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, type AppErrorCode, httpStatusOf, systemErrorOf } from './app-error';
import { currentRequest, REQUEST_ID_HEADER, requestIdOf } from './request-context';

export interface ErrorLogger {
  error(message: string, stack?: string): void;
  warn(message: string): void;
}

/** Codes of the HTTP layer's own refusals (an unknown route, a malformed body), by status. */
const CODE_OF_STATUS: Record<number, AppErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'FAILED_PRECONDITION',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

interface Answer {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The answer for `e`; null when it is not the client's doing nor a known condition of the server (a bug: 500). */
function answerOf(e: unknown): Answer | null {
  const known = e instanceof AppError ? e : systemErrorOf(e);
  if (known) return { status: httpStatusOf(known.code), code: known.code, message: known.message, details: known.details };
  // Nest's own (an unknown route) and http-errors' (a body parser) with a client-side status.
  const status = e instanceof HttpException ? e.getStatus() : (e as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && (e instanceof HttpException || (e as { expose?: boolean }).expose)) {
    return { status, code: CODE_OF_STATUS[status] ?? 'BAD_USER_INPUT', message: (e as Error).message };
  }
  return null;
}

/**
 * Answers `e` on `res`: its typed code and status, or 500 INTERNAL_SERVER_ERROR with a generic message for anything
 * else. Errors of the server (5xx) are logged with the request id and the underlying cause. A request body left
 * unread closes the connection after the answer. When the headers are already out the response is destroyed; when
 * the client has gone nothing is written.
 */
export function answerError(req: IncomingMessage, res: ServerResponse, e: unknown, logger: ErrorLogger): void {
  const answer = answerOf(e);
  // A client that went away mid-transfer makes the streams fail (ECONNRESET, premature close): not the server's fault.
  const clientGone = res.destroyed || req.socket?.destroyed === true;
  const where = `[request ${currentRequest()?.id ?? res.getHeader(REQUEST_ID_HEADER) ?? requestIdOf(req)}] ${req.method} ${(req as { originalUrl?: string }).originalUrl ?? req.url}`;
  if (!answer && !clientGone) logger.error(`${where}: ${(e as Error)?.message ?? String(e)}`, (e as Error)?.stack);
  else if (answer && answer.status >= 500) logger.warn(`${where}: ${answer.code}: ${(e as Error).message}`);
  if (res.writableEnded || clientGone) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, code, message, details } = answer ?? { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
  if (!req.complete) res.setHeader('connection', 'close');
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { ...details, code, message } }));
}
