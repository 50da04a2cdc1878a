// One record per GraphQL operation, over HTTP (an Apollo plugin) and graphql-ws (ws-observer.ts): the duration
// histogram by operation name (capped), type and outcome, errors by code, and one access line with the request id,
// the operation, its duration, status and caller. Never the variables: they may hold a secret.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@podium/logging';
import type { GraphQLFormattedError } from 'graphql';
import { currentRequest } from '../common/request-context';
import type { GraphqlContext } from '../graphql/context';
import { BoundedLabel, graphqlErrors, graphqlOperationDuration } from './metrics';

/** Client-chosen operation names: at most this many distinct ones become label values. */
const MAX_OPERATION_NAMES = 200;
const operationLabel = new BoundedLabel(MAX_OPERATION_NAMES);
/** Codes come from the server's own mapping (graphql/format-error.ts); the cap only guards against a new path. */
const codeLabel = new BoundedLabel(64, 'NONE', /^[A-Z][A-Z0-9_]{0,63}$/);
const TYPES = new Set(['query', 'mutation', 'subscription']);

export interface OperationRecord {
  transport: 'http' | 'ws';
  reqId?: string;
  /** The client's operationName (anonymous when absent). */
  operation?: string | null;
  type?: string;
  seconds: number;
  errors: readonly GraphQLFormattedError[];
  status?: number;
  identity?: string;
  /** Root field of a subscription. */
  field?: string;
}

export function recordOperation(logger: Logger, r: OperationRecord): void {
  const type = r.type && TYPES.has(r.type) ? r.type : 'unknown';
  const outcome = r.errors.length ? 'error' : 'ok';
  graphqlOperationDuration.observe({ operation: operationLabel.of(r.operation), type, outcome }, r.seconds);
  const codes = [...new Set(r.errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
  for (const e of r.errors) graphqlErrors.inc({ code: codeLabel.of(String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')) });
  const operation = r.operation ? r.operation.slice(0, 100) : undefined;
  logger.info(
    {
      reqId: r.reqId,
      transport: r.transport,
      operation,
      type,
      ...(r.field ? { field: r.field } : {}),
      durationMs: Math.round(r.seconds * 10_000) / 10,
      ...(r.status !== undefined ? { status: r.status } : {}),
      outcome,
      ...(codes.length ? { errorCodes: codes } : {}),
      identity: r.identity,
    },
    `graphql ${type} ${operation ?? 'anonymous'} ${outcome}`,
  );
}

/** The Apollo plugin for operations over HTTP (runs inside the request's context, so the request id is at hand). */
export function graphqlObserverPlugin(logger: Logger): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart({ request }) {
      const started = performance.now();
      const reqId = currentRequest()?.id;
      return {
        async willSendResponse({ response, operation, operationName, contextValue }) {
          const body = response.body;
          const errors = body.kind === 'single' ? (body.singleResult.errors ?? []) : (body.initialResult.errors ?? []);
          recordOperation(logger, {
            transport: 'http',
            reqId,
            operation: operationName ?? request.operationName,
            type: operation?.operation,
            seconds: (performance.now() - started) / 1000,
            errors,
            status: response.http.status ?? 200,
            identity: contextValue.identity?.name,
          });
        },
      };
    },
  };
}
