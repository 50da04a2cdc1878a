import { GraphQLFloat, GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { sharedExecutionSubscribe } from './shared-subscribe';

// One shared event object, as the in-memory bus hands to every listener.
const event = { value: 0.5 };

function schemaCounting(): { schema: GraphQLSchema; calls: () => number } {
  let n = 0;
  const Point = new GraphQLObjectType({ name: 'Point', fields: { value: { type: GraphQLFloat, resolve: (p: { value: number }) => (n++, p.value) } } });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        point: {
          type: Point,
          args: { times: { type: GraphQLInt } },
          subscribe: async function* (_root: unknown, args: { times?: number }) {
            for (let i = 0; i < (args.times ?? 1); i++) yield event;
          },
          resolve: (e: unknown) => e,
        },
      },
    }),
  });
  return { schema, calls: () => n };
}

async function first(iterable: unknown): Promise<ExecutionResult> {
  const it = (iterable as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
  const r = await it.next();
  await it.return?.();
  return r.value as ExecutionResult;
}

describe('sharedExecutionSubscribe', () => {
  it('executes one event once for subscribers of the same operation and variables', async () => {
    const { schema, calls } = schemaCounting();
    const document = parse('subscription { point { value } }');
    const a = await first(await sharedExecutionSubscribe({ schema, document, contextValue: { identity: { role: 'VIEWER' } } }));
    const b = await first(await sharedExecutionSubscribe({ schema, document: parse('subscription { point { value } }'), contextValue: { identity: { role: 'VIEWER' } } }));
    expect(a).toEqual({ data: { point: { value: 0.5 } } });
    expect(b).toBe(a);
    expect(calls()).toBe(1);
  });

  it('executes separately for other selections, variables or roles', async () => {
    const { schema, calls } = schemaCounting();
    const doc = 'subscription($t: Int) { point(times: $t) { value } }';
    const a = await first(await sharedExecutionSubscribe({ schema, document: parse(doc), variableValues: { t: 1 }, contextValue: { identity: { role: 'VIEWER' } } }));
    const b = await first(await sharedExecutionSubscribe({ schema, document: parse(doc), variableValues: { t: 2 }, contextValue: { identity: { role: 'VIEWER' } } }));
    const c = await first(await sharedExecutionSubscribe({ schema, document: parse(doc), variableValues: { t: 1 }, contextValue: { identity: { role: 'ADMIN' } } }));
    expect([a, b, c].map((r) => r.data)).toEqual([{ point: { value: 0.5 } }, { point: { value: 0.5 } }, { point: { value: 0.5 } }]);
    expect(b).not.toBe(a);
    expect(c).not.toBe(a);
    expect(calls()).toBe(3);
  });

  it('returns the error result of a subscription that cannot start', async () => {
    const { schema } = schemaCounting();
    const r = (await sharedExecutionSubscribe({ schema, document: parse('subscription { nope }') })) as ExecutionResult;
    expect(r.errors?.[0].message).toMatch(/nope/);
  });
});
