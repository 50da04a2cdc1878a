import { Module } from '@nestjs/common';
import { LocalWorkerService } from './local-worker.service';

/** The embedded local gpu-worker (config.localWorker; off under test). */
@Module({ providers: [LocalWorkerService] })
export class LocalWorkerModule {}
