import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.type';
import { Role } from '../roles';

export enum ApiTokenStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(ApiTokenStatus, {
  name: 'ApiTokenStatus',
  valuesConfig: { ACTIVE: { description: 'Works now.' }, EXPIRED: { description: 'Past its expiresAt.' }, REVOKED: { description: 'Revoked by an ADMIN.' } },
  description: 'Whether the token works now.',
});

@ObjectType({ description: 'An api token. Its secret is shown once, by createApiToken; only a hash is kept.' })
export class ApiToken {
  @Field(() => ID, { description: "The token's id (revokeApiToken takes it)." })
  id: string;

  @Field({ description: 'Unique among tokens that are not revoked; recorded as the actor of what the token writes.' })
  name: string;

  @Field(() => Role, { description: 'What the token may do.' })
  role: Role;

  @Field({ description: 'The first characters of the secret (pod_…), to tell tokens apart; not enough to use it.' })
  prefix: string;

  @Field(() => ApiTokenStatus, { description: 'ACTIVE, EXPIRED or REVOKED, as of now.' })
  status: ApiTokenStatus;

  @Field(() => String, { nullable: true, description: 'Name of the identity that created it.' })
  createdBy: string | null;

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it stops working; null when it does not expire.' })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while it is not.' })
  revokedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Name of the identity that revoked it.' })
  revokedBy: string | null;

  @Field(() => Date, { nullable: true, description: 'Last successful use, to the minute.' })
  lastUsedAt: Date | null;
}

export const ApiTokenConnection = ConnectionType(ApiToken, 'ApiTokenConnection');
