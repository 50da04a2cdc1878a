import { Field, ObjectType } from 'type-graphql';

@ObjectType('MetricKey', { description: 'A metric key logged in at least one (non-deleted) run of the experiments asked about.' })
export class MetricKeyType {
  @Field({ description: 'Canonical key.' })
  key: string;
}
