// graphql-ws hooks wrapped for observability: open connections, active subscriptions by root field, events sent to
// clients, and one record per operation (graphql-observer.ts) when it ends: a query or mutation once answered, a
// subscription when it completes (client, server or socket close), an operation refused before it ran at once.
import type { Logger } from '@podium/logging';
import { type ExecutionArgs, getOperationAST, type GraphQLError, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import { requestIdOf } from '../common/request-context';
import type { GraphqlContext } from '../graphql/context';
import { recordOperation } from './graphql-observer';
import { BoundedLabel, eventsDelivered, wsConnections, wsSubscriptions } from './metrics';

interface Running {
  started: number;
  operation?: string | null;
  type?: string;
  field?: string;
  identity?: string;
  /** onOperation was reached: the operation runs, and onComplete will end it. */
  executing: boolean;
  errors: GraphQLFormattedError[];
}

interface Connection {
  id: string;
  operations: Map<string, Running>;
}

/** Root fields come from the schema; the cap is a guard. */
const fieldLabel = new BoundedLabel(200, 'unknown');

function rootField(op: OperationDefinitionNode | null | undefined): string | undefined {
  const first = op?.selectionSet.selections[0];
  return first?.kind === 'Field' ? first.name.value : undefined;
}

function formatted(errors: readonly (GraphQLError | GraphQLFormattedError)[]): GraphQLFormattedError[] {
  return errors.map((e) => ('toJSON' in e && typeof e.toJSON === 'function' ? e.toJSON() : (e as GraphQLFormattedError)));
}

// The generic options type of useServer is kept as given: the wrapper only reads the hooks' arguments.
export function observeGraphqlWs<T extends ServerOptions<any, any>>(options: T, logger: Logger): T {
  const connections = new WeakMap<object, Connection>();
  const { onConnect, onClose, onSubscribe, onOperation, onNext, onError, onComplete } = options;

  const end = (conn: Connection, id: string) => {
    const op = conn.operations.get(id);
    if (!op) return;
    conn.operations.delete(id);
    if (op.field) wsSubscriptions.dec({ field: op.field });
    recordOperation(logger, {
      transport: 'ws',
      reqId: conn.id,
      operation: op.operation,
      type: op.type,
      field: op.field,
      seconds: (performance.now() - op.started) / 1000,
      errors: op.errors,
      identity: op.identity,
    });
  };

  const wrapped: ServerOptions<any, any> = {
    ...options,
    onConnect: async (ctx) => {
      const accepted = await onConnect?.(ctx);
      if (accepted !== false) {
        connections.set(ctx, { id: requestIdOf((ctx.extra as { request: IncomingMessage }).request), operations: new Map() });
        wsConnections.inc();
      }
      return accepted;
    },
    onClose: async (ctx, code, reason) => {
      const conn = connections.get(ctx);
      if (conn) {
        connections.delete(ctx);
        wsConnections.dec();
        for (const id of [...conn.operations.keys()]) end(conn, id);
      }
      await onClose?.(ctx, code, reason);
    },
    onSubscribe: async (ctx, id, payload) => {
      connections.get(ctx)?.operations.set(id, { started: performance.now(), operation: payload.operationName, executing: false, errors: [] });
      return onSubscribe?.(ctx, id, payload);
    },
    onOperation: async (ctx, id, payload, args: ExecutionArgs, result) => {
      const op = connections.get(ctx)?.operations.get(id);
      if (op) {
        const ast = getOperationAST(args.document, args.operationName);
        op.executing = true;
        op.type = ast?.operation;
        op.operation = args.operationName ?? ast?.name?.value ?? op.operation;
        op.identity = (args.contextValue as GraphqlContext | undefined)?.identity?.name;
        if (ast?.operation === 'subscription') {
          op.field = fieldLabel.of(rootField(ast));
          wsSubscriptions.inc({ field: op.field });
        }
      }
      return onOperation?.(ctx, id, payload, args, result);
    },
    onNext: async (ctx, id, payload, args, result) => {
      const out = await onNext?.(ctx, id, payload, args, result);
      const op = connections.get(ctx)?.operations.get(id);
      const errors = (out ?? result).errors;
      if (op && errors?.length) op.errors.push(...formatted(errors));
      if (op?.field) eventsDelivered.inc({ field: op.field });
      return out;
    },
    onError: async (ctx, id, payload, errors) => {
      const out = await onError?.(ctx, id, payload, errors);
      const conn = connections.get(ctx);
      const op = conn?.operations.get(id);
      if (conn && op) {
        op.errors.push(...formatted(out ?? errors));
        // Refused before it ran (auth, parse, validation, limits): no onComplete follows.
        if (!op.executing) end(conn, id);
      }
      return out;
    },
    onComplete: async (ctx, id, payload) => {
      const conn = connections.get(ctx);
      if (conn) end(conn, id);
      await onComplete?.(ctx, id, payload);
    },
  };
  return wrapped as T;
}
