// Mounts Apollo Server 5 at /graphql (HTTP, Sandbox landing page, CSRF prevention, CORS for Apollo Studio) and
// graphql-ws on the same path and HTTP server.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import express from 'express';
import { GraphQLError as GraphQLErrorOf, type GraphQLError, type GraphQLSchema, parse, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage } from 'node:http';
import { AuthenticationError } from 'type-graphql';
import { WebSocketServer } from 'ws';
import { AuthService } from '../auth/auth.service';
import { abuseLimitsPlugin } from '../auth/limits/abuse-limits.plugin';
import { featuresOfApp } from '../core/feature-module';
import { graphqlBodyErrors } from '../auth/limits/body-errors';
import { LimitError } from '../auth/limits/limit-error';
import { OperationLimits } from '../auth/limits/operation-limits';
import type { AppConfig } from '../config/app-config';
import { graphqlObserverPlugin } from '../observability/graphql-observer';
import { rootLoggerOf } from '../observability/logger';
import { observeGraphqlWs } from '../observability/ws-observer';
import { type GraphqlContext, newContext, type ServiceLocator } from './context';
import { formatError } from './format-error';
import { nulInputError, refuseNulInUrl, refuseNulPlugin } from './nul-inputs';
import { PUB_SUB, type PodiumPubSub } from './pubsub';
import { buildPodiumSchema } from './schema';
import { sharedExecutionSubscribe } from './shared-subscribe';

export interface GraphqlHandles {
  schema: GraphQLSchema;
  close(): Promise<void>;
}

function headerOf(params: Record<string, unknown> | undefined, req: IncomingMessage): string | undefined {
  // Clients put it at the top level ({ authorization }) or, like Apollo's headers-as-params, under `headers`.
  const nested = params?.headers && typeof params.headers === 'object' ? (params.headers as Record<string, unknown>) : undefined;
  const fromParams = params?.authorization ?? params?.Authorization ?? nested?.authorization ?? nested?.Authorization;
  if (typeof fromParams === 'string') return fromParams;
  const h = req.headers.authorization;
  return typeof h === 'string' ? h : undefined;
}

/** graphql-ws reports parse and validation errors without the codes Apollo gives them over HTTP: add them. */
function withCode(e: GraphQLError, code: string): GraphQLError {
  return new GraphQLErrorOf(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: { ...e.extensions, code } });
}

export async function mountGraphql(app: INestApplication, config: AppConfig): Promise<GraphqlHandles> {
  const logger = new Logger('GraphQL');
  const moduleRef = app.get(ModuleRef);
  const pubSub = app.get<PodiumPubSub>(PUB_SUB);
  const auth = app.get(AuthService);
  const limits = app.get(OperationLimits);
  // The resolvers of the feature modules this app imports (core/feature-module.ts).
  const schema = await buildPodiumSchema(featuresOfApp(app.get(ModulesContainer).values()).resolvers, moduleRef, pubSub);
  const services: ServiceLocator = { get: (cls) => moduleRef.get(cls, { strict: false }) };
  const formatWsError = formatError(logger);
  const formatWsErrors = (errors: readonly GraphQLError[]) => errors.map((e) => formatWsError(e.toJSON(), e));

  const httpServer = app.getHttpServer();
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: config.bodyLimitBytes });
  const wsCleanup = useServer<Record<string, unknown>, { authorization?: string; untrack?: () => void }>(
    observeGraphqlWs(
      {
        schema,
        onConnect: async (ctx) => {
          const authorization = headerOf(ctx.connectionParams, ctx.extra.request);
          const resolved = await auth.resolveRequest(ctx.extra.request, authorization);
          ctx.extra.authorization = authorization;
          // A connection without an identity is refused at once (close 4401), with the reason.
          if (!resolved.identity) {
            ctx.extra.socket.close(4401, `Unauthenticated: ${resolved.problem ?? 'no token'}`.slice(0, 120));
            return false;
          }
          // Revoking the token (or its expiry) closes this socket (4403).
          ctx.extra.untrack = auth.trackConnection(resolved.identity, { close: (code, reason) => ctx.extra.socket.close(code, reason) });
          return true;
        },
        onClose: (ctx) => ctx.extra.untrack?.(),
        // Each operation re-resolves the token (revoked or expired tokens stop at once) and passes the abuse limits.
        onSubscribe: async (ctx, _id, payload) => {
          const resolved = await auth.resolveRequest(ctx.extra.request, ctx.extra.authorization);
          if (!resolved.identity) return [new AuthenticationError(`Authentication required: ${resolved.problem ?? 'no token'}`)];
          let document;
          try {
            document = parse(payload.query);
          } catch (e) {
            return [withCode(e as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
          }
          const errors = validate(schema, document);
          if (errors.length) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
          const nul = nulInputError(document, payload.operationName, payload.variables);
          if (nul) return [nul];
          try {
            await limits.check({ schema, document, operationName: payload.operationName, variables: payload.variables, identity: resolved.identity });
          } catch (e) {
            if (e instanceof LimitError) return [new GraphQLErrorOf(e.message, { originalError: e })];
            throw e;
          }
          return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: newContext(services, resolved.identity, resolved.problem) };
        },
        subscribe: sharedExecutionSubscribe,
        // The same error mapping as HTTP (format-error.ts), so ws clients see extensions.code too.
        onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatWsErrors(result.errors) } : undefined),
        onError: (_ctx, _id, _payload, errors) => formatWsErrors(errors),
      },
      rootLoggerOf(app),
    ),
    wsServer,
  );

  const apollo = new ApolloServer<GraphqlContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT and stops in order (observability/graceful-shutdown.ts); Apollo's own handlers
    // (on when NODE_ENV is not test) would stop GraphQL before the local worker could hand back its job.
    stopOnTerminationSignals: false,
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
      abuseLimitsPlugin(limits),
      refuseNulPlugin<GraphqlContext>(),
      graphqlObserverPlugin(rootLoggerOf(app)),
    ],
  });
  await apollo.start();

  const allowed = new Set(config.corsOrigins);
  const expressApp = app.getHttpAdapter().getInstance() as express.Express;
  // Registered before Nest adds its routes (app.init), so it runs ahead of every REST controller.
  expressApp.use(refuseNulInUrl);
  expressApp.use(
    '/graphql',
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
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
    graphqlBodyErrors(config.bodyLimitBytes),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const resolved = await auth.resolveRequest(req);
        return newContext(services, resolved.identity, resolved.problem);
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
