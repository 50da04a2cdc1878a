// Creates the api (Nest app + GraphQL + graphql-ws + REST routes) for main.ts and the tests alike.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type LogLevel, NestPinoLogger } from '@podium/logging';
import type { GraphQLSchema } from 'graphql';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { requestContextMiddleware } from './common/request-context';
import { RestErrorFilter } from './common/rest-errors';
import type { AppConfig } from './config/app-config';
import { mountGraphql } from './graphql/graphql-server';
import { shutDown } from './observability/graceful-shutdown';
import { HttpObserver } from './observability/http-observer';
import { bindRootLogger, createApiLogger } from './observability/logger';
import { mountObservabilityRoutes } from './observability/observability-routes';
import { Readiness } from './observability/readiness';

export interface PodiumApp {
  app: INestApplication;
  schema: GraphQLSchema;
  config: AppConfig;
  /** http://host:port once listening. */
  url: string;
  /** Stops in order (observability/graceful-shutdown.ts): in-flight requests finish, subscriptions get 1001. */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /**
   * Log threshold over config.logLevel: false is silent, a list of Nest levels keeps the most verbose of them
   * (['error'] → error). The one pino logger replaces Nest's either way.
   */
  logger?: false | ('log' | 'error' | 'warn' | 'debug')[];
  /** Where log lines go instead of stdout (JSON lines). */
  logDestination?: DestinationStream;
}

function levelOf(config: AppConfig, opt: CreateAppOptions['logger']): LogLevel {
  if (opt === undefined) return config.logLevel;
  if (opt === false || opt.length === 0) return 'silent';
  return opt.includes('debug') ? 'debug' : opt.includes('log') ? 'info' : opt.includes('warn') ? 'warn' : 'error';
}

export async function createPodiumApp(config: AppConfig, opts: CreateAppOptions = {}): Promise<PodiumApp> {
  const logger = createApiLogger({ logLevel: levelOf(config, opts.logger), logFormat: config.logFormat }, opts.logDestination);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { logger: new NestPinoLogger(logger), bodyParser: false });
  bindRootLogger(app, logger);
  // First, before GraphQL and the REST routes: every request runs with its id (common/request-context.ts), then
  // its access line, metrics and in-flight count (observability/http-observer.ts).
  app.use(requestContextMiddleware);
  const http = new HttpObserver(logger);
  app.use(http.middleware);
  mountObservabilityRoutes(app);
  // The house renderer for every REST route and Nest's own 404; MLflow's controllers choose theirs (@RestErrors).
  app.useGlobalFilters(new RestErrorFilter());
  const gql = await mountGraphql(app, config);
  await app.init();
  await app.listen(config.port, config.host);
  const server = app.getHttpServer() as Server;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    app,
    schema: gql.schema,
    config,
    url: `http://${host}:${address.port}`,
    close: () =>
      (closing ??= shutDown({
        app,
        server,
        http,
        readiness: app.get(Readiness),
        logger,
        graceMs: config.shutdownGraceSeconds * 1000,
        closeGraphql: () => gql.close(),
      })),
  };
}
