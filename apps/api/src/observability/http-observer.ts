// One Express middleware for every HTTP request: its access line (request id, method, route, path without the query,
// status, duration, caller), the request histogram by route pattern, and the in-flight count that shutdown waits on.
// Written here rather than with pino-http so that the line carries the house request id (common/request-context.ts)
// and the metrics and the drain share one hook.
import type { Logger } from '@podium/logging';
import type { NextFunction, Request, Response } from 'express';
import { currentRequest } from '../common/request-context';
import { callerOf } from './caller';
import { httpRequestDuration, httpRequestsInFlight } from './metrics';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Probes and scrapes every few seconds: their successes are logged at debug. */
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/** The matched route pattern (`/artifacts/*path`, `/graphql`), never the raw URL; `unmatched` for a 404 of no route. */
export function routeOf(req: Request): string {
  const pattern = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl ?? ''}${pattern}` || '/';
  return req.baseUrl || 'unmatched';
}

export class HttpObserver {
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly logger: Logger) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const reqId = currentRequest()?.id;
    this.inFlight++;
    httpRequestsInFlight.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      httpRequestsInFlight.dec();
      const seconds = (performance.now() - started) / 1000;
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      const route = routeOf(req);
      const status = res.statusCode;
      httpRequestDuration.observe({ method, route, status: String(status) }, seconds);
      const aborted = !res.writableFinished;
      const level = status >= 500 ? 'error' : QUIET.has(route) && status < 400 ? 'debug' : 'info';
      const path = (req.originalUrl ?? req.url).split('?')[0].slice(0, 300);
      this.logger[level](
        { reqId, method: req.method, route, path, status, durationMs: Math.round(seconds * 10_000) / 10, identity: callerOf(req), ...(aborted ? { aborted } : {}) },
        `${req.method} ${path} ${status}`,
      );
      if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };

  /** HTTP requests being served now. */
  get active(): number {
    return this.inFlight;
  }

  /** Resolves when no request is in flight, or after `timeoutMs` (false then). */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const idle = new Promise<true>((resolve) => this.idle.push(() => resolve(true)));
    try {
      return await Promise.race([idle, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
