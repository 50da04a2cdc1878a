// Creates the api (Nest app + GraphQL + graphql-ws + REST routes) for main.ts and the tests alike.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { GraphQLSchema } from 'graphql';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';
import { requestContextMiddleware } from './common/request-context';
import { HttpErrorFilter } from './common/safety-net';
import type { AppConfig } from './config/app-config';
import { mountGraphql } from './graphql/graphql-server';

export interface PodiumApp {
  app: INestApplication;
  schema: GraphQLSchema;
  config: AppConfig;
  /** http://host:port once listening. */
  url: string;
  close(): Promise<void>;
}

/** Hooks run after Nest is created and before listen (e.g. bootstrap tokens, demo data). */
export const STARTUP_HOOKS: ((app: INestApplication, config: AppConfig) => Promise<void>)[] = [];

export async function createPodiumApp(config: AppConfig, opts: { logger?: false | ('log' | 'error' | 'warn' | 'debug')[] } = {}): Promise<PodiumApp> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    logger: opts.logger ?? ['log', 'error', 'warn'],
    bodyParser: false,
  });
  // First, before GraphQL and the REST routes: every request runs with its id (common/request-context.ts).
  app.use(requestContextMiddleware);
  app.useGlobalFilters(new HttpErrorFilter());
  const gql = await mountGraphql(app, config);
  for (const hook of STARTUP_HOOKS) await hook(app, config);
  await app.init();
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed = false;
  return {
    app,
    schema: gql.schema,
    config,
    url: `http://${host}:${address.port}`,
    close: async () => {
      if (closed) return;
      closed = true;
      await gql.close();
      await app.close();
    },
  };
}
