import { Field, ObjectType } from 'type-graphql';
import { Role } from '../roles';

@ObjectType({ description: 'Who the server thinks is calling.' })
export class Viewer {
  @Field({ description: 'Token name, or "local" for the loopback admin of PODIUM_AUTH=local.' })
  name: string;

  @Field(() => Role, { description: 'What the caller may do.' })
  role: Role;

  @Field(() => Date, { nullable: true, description: 'When the token stops working; null when it does not expire.' })
  expiresAt: Date | null;
}
