// Mounts Apollo Server 5 at /graphql (HTTP, Sandbox landing page, CSRF prevention, CORS for Apollo Studio) and
// graphql-ws on the same path and HTTP server.
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer } from 'ws';
import { AuthService } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { type GraphqlContext, newContext } from './context';
import { formatError } from './format-error';
import { PUB_SUB, type PodiumPubSub } from './pubsub';
import { buildPodiumSchema } from './schema';

export interface GraphqlHandles {
  schema: GraphQLSchema;
  close(): Promise<void>;
}

/** Extra Apollo plugins and ws hooks that features (auth limits) contribute. */
export const EXTRA_APOLLO_PLUGINS: ((app: INestApplication, config: AppConfig) => ApolloServerPlugin<GraphqlContext>)[] = [];

function headerOf(params: Record<string, unknown> | undefined, req: IncomingMessage): string | undefined {
  const fromParams = params?.authorization ?? params?.Authorization;
  if (typeof fromParams === 'string') return fromParams;
  const h = req.headers.authorization;
  return typeof h === 'string' ? h : undefined;
}

export async function mountGraphql(app: INestApplication, config: AppConfig): Promise<GraphqlHandles> {
  const logger = new Logger('GraphQL');
  const moduleRef = app.get(ModuleRef);
  const pubSub = app.get<PodiumPubSub>(PUB_SUB);
  const auth = app.get(AuthService);
  const schema = await buildPodiumSchema(moduleRef, pubSub);

  const httpServer = app.getHttpServer();
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { ctx?: GraphqlContext }>(
    {
      schema,
      onConnect: async (ctx) => {
        const resolved = await auth.resolve(headerOf(ctx.connectionParams, ctx.extra.request), ctx.extra.request.socket.remoteAddress);
        ctx.extra.ctx = newContext(resolved.identity, resolved.problem);
        // A connection without an identity is refused at once (close 4401), with the reason.
        if (!resolved.identity) return false;
        return true;
      },
      context: (ctx) => {
        const base = ctx.extra.ctx ?? newContext(null, 'not connected');
        // Fresh loaders per operation; the identity is re-read so a revoked token stops working.
        return { ...base, loaders: new Map() };
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphqlContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(logger),
    plugins: [
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      ...EXTRA_APOLLO_PLUGINS.map((p) => p(app, config)),
    ],
  });
  await apollo.start();

  const allowed = new Set(config.corsOrigins);
  const expressApp = app.getHttpAdapter().getInstance() as express.Express;
  expressApp.use(
    '/graphql',
    (req, res, next) => {
      const origin = req.headers.origin;
      if (origin && (allowed.has(origin) || allowed.has('*'))) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization, apollographql-client-name, apollographql-client-version, apollo-require-preflight, x-apollo-operation-name');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      }
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
      next();
    },
    express.json({ limit: config.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const resolved = await auth.resolve(req.headers.authorization, req.socket.remoteAddress);
        return newContext(resolved.identity, resolved.problem);
      },
    }),
  );

  return {
    schema,
    close: async () => {
      await apollo.stop();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
