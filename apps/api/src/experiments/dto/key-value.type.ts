import { Field, ObjectType } from 'type-graphql';

@ObjectType('KeyValue', { description: 'A key and its string value (params and tags).' })
export class KeyValueType {
  @Field()
  key: string;

  @Field()
  value: string;
}
