import { IsOptional, IsString, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { RunStatus } from '../run-kind';

@InputType({ description: 'Status moves: QUEUED → RUNNING → FINISHED | FAILED | KILLED; an illegal move is FAILED_PRECONDITION.' })
export class UpdateRunInput {
  @Field(() => ID, { description: 'Full id or unique short-id prefix.' })
  @IsString()
  @Length(1, 36)
  id: string;

  @Field(() => RunStatus, { nullable: true, description: 'New status (FINISHED, FAILED or KILLED ends the run and sets endTime).' })
  @IsOptional()
  status?: RunStatus | null;

  @Field(() => String, { nullable: true, description: 'New display name.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  name?: string | null;
}
