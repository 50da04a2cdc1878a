import { IsDate, IsEnum, IsOptional, Length, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { Role } from '../roles';

@InputType()
export class CreateApiTokenInput {
  @Field({ description: 'Unique among active tokens, e.g. "ci" or "gpu-worker-1".' })
  @Length(1, 128)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, { message: 'name may contain letters, digits and . _ @ - (starting with a letter or digit)' })
  name: string;

  @Field(() => Role)
  @IsEnum(Role)
  role: Role;

  @Field(() => Date, { nullable: true, description: 'When it stops working; omit for no expiry.' })
  @IsOptional()
  @IsDate()
  expiresAt?: Date | null;
}
