// Builds the type-graphql schema of the given resolvers (the feature modules', core/feature-module.ts) with Nest's
// container, the auth checker, validation and the PubSub provider.
import type { ModuleRef } from '@nestjs/core';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import type { PodiumPubSub } from './pubsub';

export async function buildPodiumSchema(resolvers: readonly Function[], moduleRef: Pick<ModuleRef, 'get'>, pubSub: PodiumPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolvers] as [Function, ...Function[]],
    container: { get: (cls) => moduleRef.get(cls as any, { strict: false }) },
    authChecker,
    authMode: 'error',
    // type-graphql's PubSub is untyped; ours is checked against events.ts (the same publish/subscribe at run time).
    pubSub: pubSub as unknown as PubSub,
    validate: { forbidUnknownValues: false },
  });
}
