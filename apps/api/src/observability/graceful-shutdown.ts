// The order an api stops in (SIGTERM/SIGINT in main.ts, close() in tests): /readyz says shutting-down; hooks that
// still need the api run (the local worker releases its job through GraphQL); the listener stops taking connections
// and in-flight HTTP requests finish (up to the grace time, then their connections are cut); graphql-ws clients get
// close code 1001 and Apollo stops; then Nest's shutdown hooks close the database and the bus.
import type { INestApplication } from '@nestjs/common';
import type { Logger } from '@podium/logging';
import type { Server } from 'node:http';
import type { HttpObserver } from './http-observer';
import type { Readiness } from './readiness';

/** Run first, while everything still serves (features register them: local-worker.module.ts). */
export const BEFORE_DRAIN_HOOKS: ((app: INestApplication) => Promise<void>)[] = [];

export interface ShutdownParts {
  app: INestApplication;
  server: Server;
  http: HttpObserver;
  readiness: Readiness;
  logger: Logger;
  graceMs: number;
  /** Closes graphql-ws (1001) and Apollo. */
  closeGraphql: () => Promise<void>;
}

export async function shutDown(p: ShutdownParts): Promise<void> {
  const started = Date.now();
  p.readiness.beginShutdown();
  for (const hook of BEFORE_DRAIN_HOOKS) await hook(p.app);
  p.server.close();
  p.server.closeIdleConnections();
  if (p.http.active > 0) {
    p.logger.info({ inFlight: p.http.active }, `waiting up to ${p.graceMs / 1000} s for ${p.http.active} HTTP request(s) in flight`);
    if (!(await p.http.drained(p.graceMs))) p.logger.warn({ inFlight: p.http.active }, 'shutdown grace time over: cutting the requests still in flight');
  }
  await p.closeGraphql();
  p.server.closeAllConnections();
  await p.app.close();
  p.logger.info({ durationMs: Date.now() - started }, 'api stopped');
}
