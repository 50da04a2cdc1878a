// The schema as sorted SDL, built without a running app from the resolvers of the app's modules (resolver instances
// are only looked up when a field resolves).
import { lexicographicSortSchema, printSchema } from 'graphql';
import { APP_FEATURES } from '../app.module';
import { createPodiumPubSub } from './pubsub';
import { buildPodiumSchema } from './schema';

export async function sortedSchemaSdl(): Promise<string> {
  const schema = await buildPodiumSchema(
    APP_FEATURES.resolvers,
    {
      get: () => {
        throw new Error('no container while emitting the schema');
      },
    } as any,
    createPodiumPubSub(),
  );
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
