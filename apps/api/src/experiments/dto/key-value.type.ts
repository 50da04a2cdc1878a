import { Field, ObjectType } from 'type-graphql';

@ObjectType('KeyValue', { description: 'A key and its string value (params and tags).' })
export class KeyValueType {
  @Field({ description: 'The key.' })
  key: string;

  @Field({ description: 'The value, as a string.' })
  value: string;
}
