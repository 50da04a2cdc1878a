import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.type';
import { ModelTagType } from './model-tag.type';

@ObjectType('RegisteredModel', { description: 'A named model whose versions move through stages and aliases.' })
export class RegisteredModelType {
  @Field(() => ID, { description: "The model's id." })
  id: string;

  @Field({ description: 'Unique name.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Free text.' })
  description: string | null;

  @Field(() => [ModelTagType], { description: 'Key/value labels.' })
  tags: ModelTagType[];

  @Field(() => String, { nullable: true, description: 'Name of the identity that created it.' })
  createdBy: string | null;

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field({ description: 'Last change to the model (policy included).' })
  updatedAt: Date;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The promotion policy (gates per target); null = no gates. JSON on purpose: the very document setPromotionPolicy takes (validated as a whole there), so it can be read, edited and sent back as is.',
  })
  policy: Record<string, unknown> | null;
}

export const RegisteredModelConnection = ConnectionType(RegisteredModelType, 'RegisteredModelConnection');
