import { IsDate, IsEnum, IsOptional, Length, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { Role } from '../roles';

/** 1–128 characters: letters, digits and . _ @ -, starting with a letter or digit (the CLI checks the same). */
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
export const TOKEN_NAME_RULE = 'name may contain letters, digits and . _ @ - (starting with a letter or digit)';

@InputType({ description: 'A new api token.' })
export class CreateApiTokenInput {
  @Field({ description: 'Unique among active tokens, e.g. "ci" or "gpu-worker-1".' })
  @Length(1, 128)
  @Matches(TOKEN_NAME_PATTERN, { message: TOKEN_NAME_RULE })
  name: string;

  @Field(() => Role, { description: 'What the token may do (WORKER for gpu-workers).' })
  @IsEnum(Role)
  role: Role;

  @Field(() => Date, { nullable: true, description: 'When it stops working; omit for no expiry.' })
  @IsOptional()
  @IsDate()
  expiresAt?: Date | null;
}
