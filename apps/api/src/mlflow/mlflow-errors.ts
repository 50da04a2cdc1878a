// How an MLflow route answers an error: MLflow's `{error_code, message}` with MLflow's status for the code, from the
// one table below (Podium's AppError code, and where one code means several things its reason → MLflow's code and
// status; CONTRIBUTING.md rule 6). Anything else is INTERNAL_ERROR with a generic message, logged with its stack and
// the request id. Written as the MLflow renderer of the REST error layer (common/http-error.ts is the model).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, type AppErrorCode, systemErrorOf } from '../common/app-error';
import type { ErrorLogger } from '../common/http-error';
import { currentRequest, requestIdOf } from '../common/request-context';
import { SearchFilterError } from '../runs/search/search-filter-error';

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

type Mapping = readonly [MlflowErrorCode, number];

/**
 * MLflow's code and HTTP status for each AppError code. Where MLflow's own status would make its client retry an
 * answer that cannot change (its client retries 429 and 5xx), the status says so instead: a body over the limit is
 * 413, a full disk 507.
 */
const BY_CODE: Record<AppErrorCode, Mapping> = {
  BAD_USER_INPUT: ['INVALID_PARAMETER_VALUE', 400],
  NOT_FOUND: ['RESOURCE_DOES_NOT_EXIST', 404],
  // An experiment name taken; a param or an artifact path that clashes is refined by reason below.
  CONFLICT: ['RESOURCE_ALREADY_EXISTS', 400],
  // A deleted run or experiment, an illegal status move: MLflow answers INVALID_PARAMETER_VALUE for those.
  FAILED_PRECONDITION: ['INVALID_PARAMETER_VALUE', 400],
  FORBIDDEN: ['PERMISSION_DENIED', 403],
  UNAUTHENTICATED: ['UNAUTHENTICATED', 401],
  RATE_LIMITED: ['REQUEST_LIMIT_EXCEEDED', 429],
  PAYLOAD_TOO_LARGE: ['INVALID_PARAMETER_VALUE', 413],
  QUERY_TOO_DEEP: ['INVALID_PARAMETER_VALUE', 400],
  QUERY_TOO_COMPLEX: ['INVALID_PARAMETER_VALUE', 400],
  INSUFFICIENT_STORAGE: ['RESOURCE_EXHAUSTED', 507],
  STORAGE_UNAVAILABLE: ['TEMPORARILY_UNAVAILABLE', 503],
  RANGE_NOT_SATISFIABLE: ['INVALID_PARAMETER_VALUE', 416],
};

/** AppErrors whose `details.reason` asks for another MLflow code than their AppError code. */
const BY_REASON: Record<string, Mapping> = {
  // MLflow: "Changing param values is not allowed" is INVALID_PARAMETER_VALUE.
  PARAM_CONFLICT: ['INVALID_PARAMETER_VALUE', 400],
  IDEMPOTENCY_KEY_REUSED: ['INVALID_PARAMETER_VALUE', 400],
  ENDPOINT_NOT_FOUND: ['ENDPOINT_NOT_FOUND', 404],
};

export interface MlflowErrorAnswer {
  status: number;
  body: { error_code: MlflowErrorCode; message: string };
  headers: Record<string, string>;
}

/** The answer for `e`; null when it is neither the client's doing nor a known condition of the server (a bug). */
export function mlflowErrorOf(e: unknown): MlflowErrorAnswer | null {
  if (e instanceof SearchFilterError) return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: e.message }, headers: {} };
  const known = e instanceof AppError ? e : systemErrorOf(e);
  if (!known) return null;
  const reason = known.details?.reason;
  const [code, status] = (typeof reason === 'string' && BY_REASON[reason]) || BY_CODE[known.code] || ['INTERNAL_ERROR', 500];
  const headers: Record<string, string> = {};
  const retryAfter = known.details?.retryAfterSeconds;
  if (known.code === 'RATE_LIMITED' && typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  return { status, body: { error_code: code, message: known.message }, headers };
}

/** The AppError of an MLflow route that does not exist (or not for this method). */
export const endpointNotFound = (method: string, path: string): AppError =>
  new AppError('NOT_FOUND', `No MLflow endpoint ${method} ${path} on this server (see docs/mlflow.md for the routes served)`, { reason: 'ENDPOINT_NOT_FOUND' });

/**
 * Answers `e` on `res` in MLflow's shape. A request body left unread closes the connection after the answer; when the
 * headers are already out the response is cut (no partial body passes for a whole one); a gone client gets nothing.
 */
export function renderMlflowError(req: IncomingMessage, res: ServerResponse, e: unknown, logger: ErrorLogger): void {
  const answer = mlflowErrorOf(e);
  const clientGone = res.destroyed || req.socket?.destroyed === true;
  const where = `[request ${currentRequest()?.id ?? requestIdOf(req)}] ${req.method} ${(req as { originalUrl?: string }).originalUrl ?? req.url}`;
  if (!answer && !clientGone) logger.error(`${where}: ${(e as Error)?.message ?? String(e)}`, (e as Error)?.stack);
  else if (answer && answer.status >= 500) logger.warn(`${where}: ${answer.body.error_code}: ${answer.body.message}`);
  if (res.writableEnded || clientGone) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, body, headers } = answer ?? { status: 500, body: { error_code: 'INTERNAL_ERROR' as const, message: 'Internal server error' }, headers: {} };
  if (!req.complete) res.setHeader('connection', 'close');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
