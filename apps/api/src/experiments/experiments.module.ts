import { Module } from '@nestjs/common';
import { ExperimentsRepository } from './experiments.repository';
import { ExperimentsResolver } from './experiments.resolver';
import { ExperimentsService } from './experiments.service';

@Module({
  providers: [ExperimentsRepository, ExperimentsService, ExperimentsResolver],
  exports: [ExperimentsService],
})
export class ExperimentsModule {}
