// How an MLflow route answers an error: MLflow's `{error_code, message}` with MLflow's status for the code, from the
// one code table (common/app-error.ts ERROR_CODES; where one code means several things, its reason below → MLflow's
// code and status; CONTRIBUTING.md rule 6). Anything else is INTERNAL_ERROR with a generic message, logged with its stack and
// the request id. Written as the MLflow renderer of the REST error layer (common/http-error.ts is the model).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, ERROR_CODES, type MlflowErrorCode, systemErrorOf } from '../common/app-error';
import type { ErrorLogger } from '../common/http-error';
import { currentRequest, requestIdOf } from '../common/request-context';
import type { RestErrorRenderer } from '../common/rest-errors';
import { SearchFilterError } from '../runs/search/search-filter-error';

export type { MlflowErrorCode };

type Mapping = readonly [MlflowErrorCode, number];

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
  const [code, status] = (typeof reason === 'string' && BY_REASON[reason]) || ERROR_CODES[known.code].mlflow;
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

/** The renderer of the MLflow controllers (@RestErrors(MLFLOW_ERRORS)). */
export const MLFLOW_ERRORS: RestErrorRenderer = {
  name: 'MLflow',
  render: renderMlflowError,
  authHint: 'MLflow clients: set MLFLOW_TRACKING_TOKEN to a Podium token',
};
