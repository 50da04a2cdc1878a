import { Field, ObjectType } from 'type-graphql';
import { ApiToken } from './api-token.type';

@ObjectType({ description: 'A new token and its secret. The secret is not stored and cannot be shown again.' })
export class CreatedApiToken {
  @Field(() => ApiToken, { description: 'The stored token (no secret).' })
  token: ApiToken;

  @Field({ description: 'Send as `Authorization: Bearer <secret>` (HTTP) or connectionParams.authorization (graphql-ws).' })
  secret: string;
}
