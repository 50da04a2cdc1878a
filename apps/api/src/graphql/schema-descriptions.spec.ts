import 'reflect-metadata';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createPodiumPubSub } from './pubsub';
import { buildPodiumSchema } from './schema';
import { undescribed } from './schema-descriptions';

describe('schema descriptions', () => {
  it('describe every public type, field, argument, input field and enum value (the list names each one missing)', async () => {
    // Built the way `npm run schema:emit` builds it (schema-sdl.ts): no container, resolvers are never called.
    const schema = await buildPodiumSchema({ get: () => { throw new Error('no container'); } } as any, createPodiumPubSub());
    expect(undescribed(schema)).toEqual([]);
  });

  it('name each offender', () => {
    const thing = new GraphQLObjectType({ name: 'Thing', fields: { a: { type: GraphQLString, args: { x: { type: GraphQLString } } }, b: { type: GraphQLString, description: 'b' } } });
    const query = new GraphQLObjectType({ name: 'Query', fields: { thing: { type: thing, description: 'one' } } });
    expect(undescribed(new GraphQLSchema({ query }))).toEqual(['argument Thing.a(x)', 'field Thing.a', 'type Thing']);
  });
});
