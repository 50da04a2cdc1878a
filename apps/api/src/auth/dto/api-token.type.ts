import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.type';
import { Role } from '../roles';

export enum ApiTokenStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(ApiTokenStatus, { name: 'ApiTokenStatus', description: 'Whether the token works now.' });

@ObjectType({ description: 'An api token. Its secret is shown once, by createApiToken; only a hash is kept.' })
export class ApiToken {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Unique among tokens that are not revoked; recorded as the actor of what the token writes.' })
  name: string;

  @Field(() => Role)
  role: Role;

  @Field({ description: 'The first characters of the secret (pod_…), to tell tokens apart; not enough to use it.' })
  prefix: string;

  @Field(() => ApiTokenStatus)
  status: ApiTokenStatus;

  @Field(() => String, { nullable: true, description: 'Name of the identity that created it.' })
  createdBy: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => String, { nullable: true })
  revokedBy: string | null;

  @Field(() => Date, { nullable: true, description: 'Last successful use, to the minute.' })
  lastUsedAt: Date | null;
}

export const ApiTokenConnection = ConnectionType(ApiToken, 'ApiTokenConnection');
