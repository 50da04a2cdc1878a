// RegisteredModel.versions(stages:, withAliases:) on both databases, and the registry list page's own operation
// (apps/web/src/graphql/registry.graphql, RegisteredModels) through the real api with 100 models, one of them with
// 500 versions: under the query complexity limit, and the newest PRODUCTION version shown however many versions
// come before it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type OperationDefinitionNode, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/database/database';
import { RegistryRepository } from '../../src/registry/registry.repository';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const PAGE_OPERATION = (() => {
  const doc = parse(readFileSync(resolve(__dirname, '../../../web/src/graphql/registry.graphql'), 'utf8'));
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === 'RegisteredModels');
  if (!op) throw new Error('RegisteredModels is not in registry.graphql');
  return print(op);
})();

const MODELS = 100;
const BIG_VERSIONS = 500;

describe.each(DIALECTS)('registry list on %s', (dialect) => {
  let t: TestApp | undefined;
  const modelIds: string[] = [];
  beforeAll(async () => {
    t = await startTestApp(dialect);
    if (!t) return;
    for (let i = 0; i < MODELS; i++) {
      const res = await t.gql<{ createRegisteredModel: { id: string } }>(`mutation($n: String!) { createRegisteredModel(input: { name: $n }) { id } }`, { n: `list-${String(i).padStart(3, '0')}` });
      modelIds.push(res.data!.createRegisteredModel.id);
    }
    // Versions written straight to the tables (registering 600 artifacts through the api would only slow the test):
    // list-000 has 500 versions, PRODUCTION at 480, STAGING at 3, 7, 9, 11, 13, 15, 17 (seven), aliases on 2 and 480;
    // every other model has two versions, the second in STAGING.
    const repo = t.podium.app.get(RegistryRepository);
    await t.podium.app.get(Database).write(async (tx) => {
      const add = (modelId: string, version: number, stage: string) =>
        repo.insertVersion(tx, {
          modelId,
          version,
          stage,
          sourceRunId: null,
          artifactPath: 'model.onnx',
          artifactSha256: null,
          description: null,
          tags: [],
          stageEnteredAt: Date.now(),
          createdBy: 'test',
        });
      const big = new Map<number, string>();
      for (let v = 1; v <= BIG_VERSIONS; v++) {
        const stage = v === 480 ? 'PRODUCTION' : [3, 7, 9, 11, 13, 15, 17].includes(v) ? 'STAGING' : 'NONE';
        big.set(v, (await add(modelIds[0], v, stage)).id);
      }
      await repo.setAlias(tx, modelIds[0], 'challenger', big.get(2)!);
      await repo.setAlias(tx, modelIds[0], 'champion', big.get(480)!);
      for (const id of modelIds.slice(1)) {
        await add(id, 1, 'NONE');
        await add(id, 2, 'STAGING');
      }
    });
  }, 120_000);
  afterAll(async () => t?.close());

  async function ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await t!.gql<T>(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data as T;
  }

  const versionsOf = (args: string) =>
    ok(`{ registeredModel(name: "list-000") { versions(${args}) { totalCount nodes { version stage aliases } pageInfo { hasNextPage endCursor } } } }`).then((d) => d.registeredModel.versions);

  it('stages: only the versions in those stages, totalCount of the filtered list, keyset pages', async (ctx) => {
    if (!t) return ctx.skip();
    expect(await versionsOf('stages: [PRODUCTION], first: 1')).toMatchObject({
      totalCount: 1,
      nodes: [{ version: 480, stage: 'PRODUCTION', aliases: ['champion'] }],
      pageInfo: { hasNextPage: false },
    });
    const first = await versionsOf('stages: [STAGING, PRODUCTION], first: 5');
    expect(first.totalCount).toBe(8);
    expect(first.nodes.map((v: { version: number }) => v.version)).toEqual([3, 7, 9, 11, 13]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await versionsOf(`stages: [STAGING, PRODUCTION], first: 5, after: "${first.pageInfo.endCursor}"`);
    expect(next.nodes.map((v: { version: number }) => v.version)).toEqual([15, 17, 480]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    expect((await versionsOf('stages: [ARCHIVED]')).totalCount).toBe(0);
    // Without a filter: every version, in version order.
    const all = await versionsOf('first: 3');
    expect(all.totalCount).toBe(BIG_VERSIONS);
    expect(all.nodes.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
  });

  it('withAliases: only the versions an alias names; with stages, both must hold', async (ctx) => {
    if (!t) return ctx.skip();
    const aliased = await versionsOf('withAliases: true');
    expect(aliased).toMatchObject({
      totalCount: 2,
      nodes: [
        { version: 2, aliases: ['challenger'] },
        { version: 480, aliases: ['champion'] },
      ],
    });
    expect(await versionsOf('withAliases: true, stages: [NONE]')).toMatchObject({ totalCount: 1, nodes: [{ version: 2 }] });
    expect((await versionsOf('withAliases: false, first: 1')).totalCount).toBe(BIG_VERSIONS);
  });

  it('stages: [] is refused with BAD_USER_INPUT', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql(`{ registeredModel(name: "list-000") { versions(stages: []) { totalCount } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("the list page's operation with 100 models passes the complexity limit and shows each model's holders", async (ctx) => {
    if (!t) return ctx.skip();
    // Batched: one read per versions(...) field of the operation for all 100 models, not one per model (counted on
    // the real repository instance).
    const repo = t.podium.app.get(RegistryRepository);
    const read = repo.findVersionPages.bind(repo);
    let reads = 0;
    repo.findVersionPages = (...args) => (reads++, read(...args));
    const { registeredModels } = await ok(PAGE_OPERATION, { first: 100 }).finally(() => (repo.findVersionPages = read));
    expect(reads).toBe(4);
    expect(registeredModels.nodes).toHaveLength(MODELS);
    const [big, other] = registeredModels.nodes;
    expect(big).toMatchObject({
      name: 'list-000',
      count: { totalCount: BIG_VERSIONS },
      production: { nodes: [{ version: 480 }] },
      staging: { totalCount: 7, nodes: [3, 7, 9].map((version) => ({ version })) },
      aliased: {
        totalCount: 2,
        nodes: [
          { version: 2, aliases: ['challenger'] },
          { version: 480, aliases: ['champion'] },
        ],
      },
    });
    expect(other).toMatchObject({ name: 'list-001', count: { totalCount: 2 }, production: { nodes: [] }, staging: { totalCount: 1, nodes: [{ version: 2 }] }, aliased: { totalCount: 0, nodes: [] } });
  });

  it('the former page query (every version of 100 models) is refused by the complexity limit', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql(`{ registeredModels(first: 100) { nodes { name versions(first: 100) { totalCount nodes { id version stage aliases } } } } }`);
    expect(res.errors?.[0]?.message).toMatch(/complexity/i);
  });
});
