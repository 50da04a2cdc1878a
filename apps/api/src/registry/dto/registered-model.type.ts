import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.type';
import { ModelTagType } from './model-tag.type';

@ObjectType('RegisteredModel', { description: 'A named model whose versions move through stages and aliases.' })
export class RegisteredModelType {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => [ModelTagType])
  tags: ModelTagType[];

  @Field(() => String, { nullable: true })
  createdBy: string | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The promotion policy (gates per target); null = no gates.' })
  policy: Record<string, unknown> | null;
}

export const RegisteredModelConnection = ConnectionType(RegisteredModelType, 'RegisteredModelConnection');
