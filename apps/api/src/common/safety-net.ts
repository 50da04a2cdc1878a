// Last-resort error handling: what escapes every handler (the process's uncaughtException / unhandledRejection; a
// route's own errors go to the REST error filter, common/rest-errors.ts) is logged with its request id and answered
// 500 where a response is still open; nothing a request does ends the process.
import { Logger } from '@nestjs/common';
import { answerError, type ErrorLogger } from './http-error';
import { currentRequest } from './request-context';

const silent: ErrorLogger = { error: () => undefined, warn: () => undefined };

/**
 * Installs the process-wide handlers (main.ts; not the test apps, which share their process with the runner). An
 * exception thrown in a callback or a rejection nobody awaited, during a request, is logged with that request's id
 * and answered 500 INTERNAL_SERVER_ERROR (or the response is cut when it had started); outside any request it is
 * logged. The process goes on in both cases: state that matters lives in database transactions, which a failure
 * rolls back, and one request's bug must not take every other client's answers with it. Returns the uninstaller.
 */
export function installProcessSafetyNet(logger: Pick<Logger, 'error'> = new Logger('SafetyNet')): () => void {
  const lastResort = (kind: string) => (e: unknown) => {
    try {
      const ctx = currentRequest();
      const what = `${kind}: ${(e as Error)?.message ?? String(e)}`;
      if (!ctx) {
        logger.error(`${what} (outside any request)`, (e as Error)?.stack);
        return;
      }
      logger.error(`[request ${ctx.id}] ${ctx.req.method} ${(ctx.req as { originalUrl?: string }).originalUrl ?? ctx.req.url}: ${what}`, (e as Error)?.stack);
      answerError(ctx.req, ctx.res, e, silent);
    } catch (inner) {
      // Never let the last resort throw: that would end the process after all.
      console.error('safety net failed', inner, e);
    }
  };
  const onException = lastResort('uncaught exception');
  const onRejection = lastResort('unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
