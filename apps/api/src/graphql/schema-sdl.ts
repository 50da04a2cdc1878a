// The schema as sorted SDL, built without a running app (resolvers are only looked up when a field resolves).
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createPodiumPubSub } from './pubsub';
import { buildPodiumSchema } from './schema';

export async function sortedSchemaSdl(): Promise<string> {
  const schema = await buildPodiumSchema({ get: () => { throw new Error('no container while emitting the schema'); } } as any, createPodiumPubSub());
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
