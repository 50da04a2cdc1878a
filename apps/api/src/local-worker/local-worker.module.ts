import { Module } from '@nestjs/common';
import { EXTRA_APOLLO_PLUGINS } from '../graphql/graphql-server';
import { LocalWorkerService } from './local-worker.service';

// The worker releases its running job through GraphQL when stopped, so it must stop while Apollo still executes
// operations: Apollo's drain phase (api close stops GraphQL before Nest's shutdown hooks run).
EXTRA_APOLLO_PLUGINS.push((app) => ({
  async serverWillStart() {
    return {
      async drainServer() {
        await app.get(LocalWorkerService, { strict: false }).stop();
      },
    };
  },
}));

/** The embedded local gpu-worker (config.localWorker; off under test). */
@Module({ providers: [LocalWorkerService] })
export class LocalWorkerModule {}
