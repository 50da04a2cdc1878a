import { Injectable } from '@nestjs/common';
import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/roles';
import { ConnectionType, connection } from '../graphql/connection.type';
import type { GraphqlContext } from '../graphql/context';
import { RegisterWorkerInput } from './dto/register-worker.input';
import { WorkerType } from './dto/worker.type';
import { WorkersArgs } from './dto/workers.args';
import { toWorkerType } from './workers.mapper';
import { WorkersService } from './workers.service';

export const WorkerConnection = ConnectionType(WorkerType, 'WorkerConnection');

@Injectable()
@Resolver(() => WorkerType)
export class WorkersResolver {
  constructor(private readonly service: WorkersService) {}

  @Authorized(Role.WORKER)
  @Mutation(() => WorkerType, {
    description:
      "Worker protocol: called by a gpu-worker (WORKER token) when it starts. A worker announces itself and its capabilities; the same name again updates it. A name belongs to the api token that registered it first (or a later token of the same token name, once that one is revoked): any other token gets CONFLICT; a removed worker's name gets FAILED_PRECONDITION until an ADMIN resumes it.",
  })
  async registerWorker(@Arg('input', { description: "The worker's name and capabilities." }) input: RegisterWorkerInput, @Ctx() ctx: GraphqlContext): Promise<WorkerType> {
    return toWorkerType(await this.service.register(input, ctx.identity!));
  }

  @Authorized(Role.VIEWER)
  @Query(() => WorkerConnection, { description: 'Registered workers, by name.' })
  async workers(@Args() { first, after }: WorkersArgs) {
    const page = await this.service.list(first, after);
    return connection(page.nodes.map(toWorkerType), page.totalCount, page.endCursor, page.hasNextPage);
  }
}
