import { Injectable } from '@nestjs/common';
import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { type Connection, connection } from '../graphql/connection.type';
import type { GraphqlContext } from '../graphql/context';
import { toApiToken } from './api-token.mapper';
import { ApiTokenService } from './api-token.service';
import { ApiTokensArgs } from './dto/api-tokens.args';
import { ApiToken, ApiTokenConnection } from './dto/api-token.type';
import { CreateApiTokenInput } from './dto/create-api-token.input';
import { CreatedApiToken } from './dto/created-api-token.type';
import { RevokeApiTokenInput } from './dto/revoke-api-token.input';
import { Role } from './roles';

@Injectable()
@Resolver()
export class ApiTokenResolver {
  constructor(private readonly tokens: ApiTokenService) {}

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiToken, { description: 'Creates a token; its secret is returned here once and never again.' })
  async createApiToken(@Arg('input', { description: 'Name, role and optional expiry.' }) input: CreateApiTokenInput, @Ctx() ctx: GraphqlContext): Promise<CreatedApiToken> {
    const { token, secret } = await this.tokens.create(input, ctx.identity);
    return { token: toApiToken(token), secret };
  }

  @Authorized(Role.ADMIN)
  @Query(() => ApiTokenConnection, { description: 'Api tokens in creation order (active ones unless includeRevoked).' })
  async apiTokens(@Args() { first, after, includeRevoked }: ApiTokensArgs): Promise<Connection<ApiToken>> {
    const page = await this.tokens.list(first, after, includeRevoked);
    return connection(
      page.nodes.map((r) => toApiToken(r)),
      page.totalCount,
      page.endCursor,
      page.hasNextPage,
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiToken, { description: 'Revokes a token at once: its next request fails and its open subscriptions are closed.' })
  async revokeApiToken(@Arg('input', { description: 'The token, by id or by name.' }) input: RevokeApiTokenInput, @Ctx() ctx: GraphqlContext): Promise<ApiToken> {
    return toApiToken(await this.tokens.revoke(input, ctx.identity));
  }
}
