// Feature modules register themselves: the schema holds the resolvers of the modules imported (through any depth),
// and not those of a module nobody imports; the data source gets every imported module's entities.
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Query, Resolver } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { APP_FEATURES, APP_MODULES } from '../app.module';
import { ApiTokenEntity } from '../auth/api-token.entity';
import { createPodiumPubSub } from '../graphql/pubsub';
import { buildPodiumSchema } from '../graphql/schema';
import { MetricsModule } from '../metrics/metrics.module';
import { RunEntity } from '../runs/run.entity';
import { RunsResolver } from '../runs/runs.resolver';
import { FeatureModule, featuresOf } from './feature-module';

@Injectable()
@Resolver()
class ProbeResolver {
  @Query(() => String, { description: 'A probe of this spec.' })
  featureProbe(): string {
    return 'here';
  }
}

class ProbeEntity {}

@FeatureModule({ resolvers: [ProbeResolver], entities: [ProbeEntity] })
class ProbeModule {}

@Module({ imports: [ProbeModule, MetricsModule] })
class ParentModule {}

const noContainer = {
  get: () => {
    throw new Error('no container');
  },
} as any;
const queryFields = async (resolvers: Function[]) => Object.keys((await buildPodiumSchema(resolvers, noContainer, createPodiumPubSub())).getQueryType()!.getFields());

describe('feature modules', () => {
  it('collect the resolvers and entities of the modules imported, through their imports, each once', () => {
    const f = featuresOf([ParentModule]);
    expect(f.resolvers).toContain(ProbeResolver);
    // MetricsModule imports RunsModule, which imports ExperimentsModule.
    expect(f.resolvers).toContain(RunsResolver);
    expect(f.entities).toEqual(expect.arrayContaining([ProbeEntity, RunEntity]));
    expect(new Set(f.resolvers).size).toBe(f.resolvers.length);
  });

  it("put an imported module's resolver in the schema, and leave out a module nobody imports", async () => {
    expect(await queryFields(featuresOf([ProbeModule]).resolvers)).toContain('featureProbe');
    expect(APP_MODULES).not.toContain(ProbeModule);
    expect(APP_FEATURES.resolvers).not.toContain(ProbeResolver);
    const app = await queryFields(APP_FEATURES.resolvers);
    expect(app).not.toContain('featureProbe');
    expect(app).toEqual(expect.arrayContaining(['serverInfo', 'runs', 'experiments', 'registeredModel', 'evaluationJob', 'apiTokens']));
    expect(APP_FEATURES.entities).toEqual(expect.arrayContaining([ApiTokenEntity, RunEntity]));
  });
});
