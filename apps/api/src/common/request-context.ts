// The HTTP request being served, carried through AsyncLocalStorage: its id (a sane incoming `x-request-id`, else a
// new uuid, echoed in the response header) for logs, and its response for the last-resort handler (safety-net.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a client may send as its request id: short, printable, no spaces or separators that could forge a log line. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/;

export interface RequestContext {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The request whose work is running now (undefined outside one: start-up, timers, WebSocket messages). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** `[request <id>] ` inside a request, '' outside: a prefix for log lines. */
export function requestTag(): string {
  const id = storage.getStore()?.id;
  return id ? `[request ${id}] ` : '';
}

/** The id to use for a request: the client's when it is sane, else a new uuid. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Express/connect middleware, mounted before every route: the rest of the request runs inside its context. */
export function requestContextMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const id = requestIdOf(req);
  res.setHeader(REQUEST_ID_HEADER, id);
  storage.run({ id, req, res }, next);
}
