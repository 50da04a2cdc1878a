import { Module } from '@nestjs/common';
import { WorkersRepository } from './workers.repository';
import { WorkersResolver } from './workers.resolver';
import { WorkersService } from './workers.service';

@Module({
  providers: [WorkersRepository, WorkersService, WorkersResolver],
  exports: [WorkersService],
})
export class WorkersModule {}
