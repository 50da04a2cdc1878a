// The role matrix, generated from the schema: every Query, Mutation and Subscription field must declare
// @Authorized, and for every one the auth checker must let exactly the declared roles past (new operations are
// covered without touching this file). Operations are called with dummy arguments built from their argument types:
// any error other than FORBIDDEN/UNAUTHENTICATED (NOT_FOUND, BAD_USER_INPUT, …) means the call got past auth.
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, roleSatisfies } from '../../src/auth/roles';
import { APP_FEATURES } from '../../src/app.module';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

type Kind = 'Query' | 'Mutation' | 'Subscription';
interface Operation {
  kind: Kind;
  name: string;
  /** undefined: no @Authorized; []: any authenticated identity. */
  roles: Role[] | undefined;
  document: string;
  variables: Record<string, unknown>;
}

const UUID = '00000000-0000-4000-8000-000000000000';
const SCALAR_CANDIDATES: unknown[] = ['2026-01-01T00:00:00.000Z', 1, 'x', UUID, true, {}, []];

function dummyScalar(type: GraphQLInputType & { name: string; parseValue(v: unknown): unknown }): unknown {
  const builtIn: Record<string, unknown> = { Int: 1, Float: 1, String: 'x', Boolean: false, ID: UUID };
  if (type.name in builtIn) return builtIn[type.name];
  for (const c of SCALAR_CANDIDATES) {
    try {
      type.parseValue(c);
      return c;
    } catch {
      // try the next candidate
    }
  }
  throw new Error(`no dummy value for scalar ${type.name}: add a candidate to SCALAR_CANDIDATES`);
}

function dummyValue(type: GraphQLInputType, depth = 0): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType, depth);
  if (isListType(type)) return [dummyValue(type.ofType, depth)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isScalarType(type)) return dummyScalar(type);
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) && f.defaultValue === undefined && depth < 8) value[f.name] = dummyValue(f.type, depth + 1);
    }
    return value;
  }
  throw new Error(`unexpected input type ${String(type)}`);
}

const required = (a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined;

function operationFor(kind: Kind, field: GraphQLField<unknown, unknown>, roles: Role[] | undefined): Operation {
  const args = field.args.filter(required);
  const defs = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  let named = field.type;
  while (isNonNullType(named) || isListType(named)) named = named.ofType;
  const selection = isLeafType(named) ? '' : ' { __typename }';
  const document = `${kind.toLowerCase()} Probe${defs ? `(${defs})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
  return { kind, name: field.name, roles, document, variables: Object.fromEntries(args.map((a) => [a.name, dummyValue(a.type)])) };
}

/** Every root operation of the schema with the roles its resolver declares (type-graphql's metadata). */
function operationsOf(schema: GraphQLSchema): Operation[] {
  const storage = getMetadataStorage();
  const byKind: Record<Kind, { schemaName: string; target: Function; roles?: any[] }[]> = {
    Query: storage.queries,
    Mutation: storage.mutations,
    Subscription: storage.subscriptions,
  };
  const ops: Operation[] = [];
  for (const kind of ['Query', 'Mutation', 'Subscription'] as Kind[]) {
    const root: GraphQLObjectType | null | undefined = kind === 'Query' ? schema.getQueryType() : kind === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    for (const field of Object.values(root?.getFields() ?? {})) {
      const meta = byKind[kind].find((m) => m.schemaName === field.name && APP_FEATURES.resolvers.includes(m.target));
      ops.push(operationFor(kind, field, meta?.roles as Role[] | undefined));
    }
  }
  return ops;
}

const CALLERS = ['none', Role.VIEWER, Role.EDITOR, Role.ADMIN, Role.WORKER] as const;
type Caller = (typeof CALLERS)[number];

function expectedOutcome(op: Operation, caller: Caller): 'UNAUTHENTICATED' | 'FORBIDDEN' | 'allowed' {
  if (caller === 'none') return 'UNAUTHENTICATED';
  const roles = op.roles ?? [];
  return roles.length === 0 || roles.some((r) => roleSatisfies(caller, r)) ? 'allowed' : 'FORBIDDEN';
}

function outcomeOf(errors: { extensions?: { code?: string } }[] | undefined): string {
  const codes = (errors ?? []).map((e) => e.extensions?.code);
  if (codes.includes('UNAUTHENTICATED')) return 'UNAUTHENTICATED';
  if (codes.includes('FORBIDDEN')) return 'FORBIDDEN';
  return 'allowed';
}

describe.each(DIALECTS)('role matrix over every operation of the schema on %s', (dialect) => {
  let t: TestApp | undefined;
  let ops: Operation[] = [];
  const headers: Record<string, Record<string, string>> = {};
  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token', mutationRateLimitPerMinute: 1_000_000 });
    if (!t) return;
    ops = operationsOf(t.podium.schema);
    headers.none = {};
    headers[Role.ADMIN] = bearer(bootstrapSecret(t));
    for (const role of [Role.VIEWER, Role.EDITOR, Role.WORKER]) headers[role] = bearer((await createToken(t, `matrix-${role.toLowerCase()}`, role)).secret);
  });
  afterAll(async () => t?.close());

  it('reads the declared roles from the resolvers (the matrix is not vacuous)', async (ctx) => {
    if (!t) return ctx.skip();
    const find = (name: string) => ops.find((o) => o.name === name);
    expect(find('apiTokens')).toMatchObject({ kind: 'Query', roles: [Role.ADMIN] });
    expect(find('createApiToken')).toMatchObject({ kind: 'Mutation', roles: [Role.ADMIN] });
    expect(find('viewer')).toMatchObject({ kind: 'Query', roles: [] });
    expect(find('serverInfo')).toMatchObject({ kind: 'Query', roles: [Role.VIEWER] });
    // Worker administration is the ADMIN's; the job protocol the WORKER's (the claimant rule is checked beyond roles).
    for (const op of ['drainWorker', 'removeWorker', 'resumeWorker']) expect(find(op)).toMatchObject({ kind: 'Mutation', roles: [Role.ADMIN] });
    for (const op of ['registerWorker', 'claimEvaluationJob', 'heartbeatEvaluationJob', 'completeEvaluationJob', 'failEvaluationJob', 'releaseEvaluationJob']) {
      expect(find(op)).toMatchObject({ kind: 'Mutation', roles: [Role.WORKER] });
    }
    expect(ops.length).toBeGreaterThanOrEqual(5);
  });

  it('every Query, Mutation and Subscription field declares @Authorized', async (ctx) => {
    if (!t) return ctx.skip();
    expect(ops.filter((o) => o.roles === undefined).map((o) => `${o.kind}.${o.name}`)).toEqual([]);
  });

  it('lets exactly the declared roles past auth on every query and mutation (HTTP)', async (ctx) => {
    if (!t) return ctx.skip();
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.kind !== 'Subscription')) {
      for (const caller of CALLERS) {
        const res = await t.gql(op.document, op.variables, headers[caller]);
        if (res.errors === undefined && res.data === undefined) throw new Error(`no GraphQL response for ${op.kind}.${op.name}: ${JSON.stringify(res)}`);
        const expected = expectedOutcome(op, caller);
        const got = outcomeOf(res.errors);
        if (got !== expected) wrong.push(`${op.kind}.${op.name} as ${caller}: expected ${expected}, got ${got} ${JSON.stringify(res.errors?.map((e: any) => e.extensions?.code))}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets exactly the declared roles past auth on every subscription (graphql-ws)', async (ctx) => {
    if (!t) return ctx.skip();
    const subs = ops.filter((o) => o.kind === 'Subscription');
    const wrong: string[] = [];
    for (const caller of CALLERS.filter((c) => c !== 'none')) {
      const client = t.ws(headers[caller]);
      const results = subs.map((op) => {
        const r: { errors?: any[] } = {};
        client.subscribe(
          { query: op.document, variables: op.variables },
          {
            next: (v) => (r.errors ??= v.errors as any[]),
            error: (e) => (r.errors ??= Array.isArray(e) ? e : [{ extensions: { code: `closed ${(e as any).code}` } }]),
            complete: () => undefined,
          },
        );
        return r;
      });
      // Auth errors come back at subscribe time; an allowed subscription waits quietly for events.
      await new Promise((r) => setTimeout(r, 400));
      subs.forEach((op, i) => {
        const expected = expectedOutcome(op, caller);
        const got = outcomeOf(results[i].errors);
        if (got !== expected) wrong.push(`Subscription.${op.name} as ${caller}: expected ${expected}, got ${got} ${JSON.stringify(results[i].errors)}`);
      });
      await client.dispose();
    }
    expect(wrong).toEqual([]);
  });
});
