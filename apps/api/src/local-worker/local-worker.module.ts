import { Module } from '@nestjs/common';
import { BEFORE_DRAIN_HOOKS } from '../observability/graceful-shutdown';
import { LocalWorkerService } from './local-worker.service';
import { SharedWorkerToken } from './shared-worker-token';

// The worker releases its running job through GraphQL when stopped, so it stops first, while the api still takes
// connections and executes operations (observability/graceful-shutdown.ts).
BEFORE_DRAIN_HOOKS.push(async (app) => {
  await app.get(LocalWorkerService, { strict: false }).stop();
});

/** The embedded local gpu-worker (config.localWorker; off under test) and the shared WORKER token file. */
@Module({ providers: [LocalWorkerService, SharedWorkerToken] })
export class LocalWorkerModule {}
