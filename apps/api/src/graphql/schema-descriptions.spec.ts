import 'reflect-metadata';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { Role } from '../auth/roles';
import { describe, expect, it } from 'vitest';
import { createPodiumPubSub } from './pubsub';
import { buildPodiumSchema } from './schema';
import { APP_FEATURES } from '../app.module';
import { undescribed } from './schema-descriptions';

describe('schema descriptions', () => {
  it('describe every public type, field, argument, input field and enum value (the list names each one missing)', async () => {
    // Built the way `npm run schema:emit` builds it (schema-sdl.ts): the app's feature modules' resolvers, no container.
    const schema = await buildPodiumSchema(
      APP_FEATURES.resolvers,
      {
        get: () => {
          throw new Error('no container');
        },
      } as any,
      createPodiumPubSub(),
    );
    expect(undescribed(schema)).toEqual([]);
  });

  it('mark the worker protocol: WORKER-only operations, and only they, start with "Worker protocol:" and say who calls them', async () => {
    const schema = await buildPodiumSchema(
      APP_FEATURES.resolvers,
      {
        get: () => {
          throw new Error('no container');
        },
      } as any,
      createPodiumPubSub(),
    );
    const storage = getMetadataStorage();
    const metas = [...storage.queries, ...storage.mutations, ...storage.subscriptions].filter((m) => APP_FEATURES.resolvers.includes(m.target));
    const roots = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!];
    const workerOnly: string[] = [];
    const marked: string[] = [];
    for (const root of roots) {
      for (const field of Object.values(root.getFields())) {
        const roles = metas.find((m) => m.schemaName === field.name)?.roles;
        if (roles?.length === 1 && roles[0] === Role.WORKER) workerOnly.push(field.name);
        if (field.description?.startsWith('Worker protocol: ')) {
          marked.push(field.name);
          expect(field.description, field.name).toMatch(/^Worker protocol: (called|subscribed) by /);
        }
      }
    }
    expect(workerOnly.sort()).toEqual(['claimEvaluationJob', 'completeEvaluationJob', 'evaluationJobQueued', 'failEvaluationJob', 'heartbeatEvaluationJob', 'registerWorker', 'releaseEvaluationJob']);
    expect(marked.sort()).toEqual(workerOnly);
  });

  it('name each offender', () => {
    const thing = new GraphQLObjectType({ name: 'Thing', fields: { a: { type: GraphQLString, args: { x: { type: GraphQLString } } }, b: { type: GraphQLString, description: 'b' } } });
    const query = new GraphQLObjectType({ name: 'Query', fields: { thing: { type: thing, description: 'one' } } });
    expect(undescribed(new GraphQLSchema({ query }))).toEqual(['argument Thing.a(x)', 'field Thing.a', 'type Thing']);
  });
});
