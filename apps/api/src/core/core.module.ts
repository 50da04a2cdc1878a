// Process-wide providers: the parsed config, the database and the events bus.
import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { dialectOf, openDataSources } from '../database/data-source';
import { Database } from '../database/database';
import { createPodiumPubSub, PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { observePubSub } from '../observability/pubsub-observer';

export const APP_CONFIG = Symbol('APP_CONFIG');

@Injectable()
class CoreShutdown implements OnApplicationShutdown {
  constructor(
    private readonly db: Database,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pubSub.close();
    await this.db.close();
  }
}

@Global()
@Module({})
export class CoreModule {
  /** `entities`: those of the feature modules the app imports (app.module.ts APP_FEATURES). */
  static forRoot(config: AppConfig, entities: Function[]): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: Database,
          useFactory: async () => {
            const { writer, reader } = await openDataSources(config, entities, { waitSeconds: config.dbWaitSeconds });
            return new Database(writer, reader, dialectOf(config));
          },
        },
        { provide: PUB_SUB, useFactory: () => observePubSub(createPodiumPubSub(config.redisUrl)) },
        CoreShutdown,
      ],
      exports: [APP_CONFIG, Database, PUB_SUB],
    };
  }
}
