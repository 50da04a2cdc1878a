import { Injectable } from '@nestjs/common';
import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql/context';
import { Viewer } from './dto/viewer.type';

@Injectable()
@Resolver()
export class ViewerResolver {
  // No role: any authenticated identity, WORKER included (a worker checks its token with this).
  @Authorized()
  @Query(() => Viewer, { description: 'The calling identity (token name and role).' })
  viewer(@Ctx() ctx: GraphqlContext): Viewer {
    const identity = ctx.identity!;
    return { name: identity.name, role: identity.role, expiresAt: identity.expiresAt != null ? new Date(identity.expiresAt) : null };
  }
}
