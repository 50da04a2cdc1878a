// graphql-ws `subscribe` that executes each event once per distinct operation: graphql-js would run the selection
// for every subscriber, which is most of the cost of fanning one metric point out to 1,000 subscribers. Subscribers
// whose operation, variables and role are the same and who receive the same event object (the bus hands one object
// to every listener) share one execution result. Replayed points are read per subscriber, so they never share.
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult, print } from 'graphql';
import type { GraphqlContext } from './context';

type Result = ExecutionResult | Promise<ExecutionResult>;

const shared = new WeakMap<object, Map<string, Result>>();

function executeOnce(args: ExecutionArgs, key: string, payload: unknown): Result {
  if (payload === null || typeof payload !== 'object') return execute({ ...args, rootValue: payload });
  let byOperation = shared.get(payload);
  if (!byOperation) {
    byOperation = new Map();
    shared.set(payload, byOperation);
  }
  let result = byOperation.get(key);
  if (!result) {
    result = execute({ ...args, rootValue: payload });
    byOperation.set(key, result);
  }
  return result;
}

export async function sharedExecutionSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(source))) return source as ExecutionResult;
  const role = (args.contextValue as GraphqlContext | undefined)?.identity?.role ?? '';
  const key = `${role}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${print(args.document)}`;
  const events = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const stream: AsyncGenerator<ExecutionResult> = {
    async next() {
      const r = await events.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: await executeOnce(args, key, r.value) };
    },
    async return() {
      await events.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      if (events.throw) await events.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  } as AsyncGenerator<ExecutionResult>;
  return stream;
}
