// Start-up against a PostgreSQL that is not up yet (docker compose starts both at once, a restart of the database
// host): connection failures that go away by themselves are retried with backoff until a deadline, each try logged;
// anything else (a wrong password, a missing database, a bad URL) fails at once.
import { Logger } from '@nestjs/common';

/** Network failures and PostgreSQL's "starting up" / "shutting down" answers. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', '57P03', '57P01', '57P02', '08001', '08006']);

export function isTransientConnectError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string') return TRANSIENT_CODES.has(code);
  // pg's own, without a code: the server closed the socket during its start-up, or the connect timed out.
  return /Connection terminated|timeout/i.test((e as Error)?.message ?? '');
}

export interface WaitOptions {
  /** Give up after this long (0: one try). */
  waitSeconds: number;
  /** What is being waited for, in the log lines. */
  what: string;
  logger?: Pick<Logger, 'warn' | 'log'>;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `connect` until it succeeds, a non-transient error comes, or `waitSeconds` are spent (the last error then). */
export async function waitFor<T>(connect: () => Promise<T>, opts: WaitOptions): Promise<T> {
  const logger = opts.logger ?? new Logger('Database');
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + opts.waitSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await connect();
      if (attempt > 1) logger.log(`${opts.what} reachable after ${attempt} attempts`);
      return result;
    } catch (e) {
      const left = deadline - Date.now();
      if (!isTransientConnectError(e) || left <= 0) throw e;
      const delay = Math.min(5000, 500 * 2 ** Math.min(attempt - 1, 4), left);
      const why = (e as { code?: string }).code ?? (e as Error).message;
      logger.warn(`${opts.what} not reachable (${why}): attempt ${attempt}, retrying in ${(delay / 1000).toFixed(1)} s (giving up in ${Math.ceil(left / 1000)} s)`);
      await sleep(delay);
    }
  }
}
