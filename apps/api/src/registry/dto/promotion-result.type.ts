import { Field, ObjectType } from 'type-graphql';
import { ModelVersionTransitionType } from './model-version-transition.type';
import { ModelVersionType } from './model-version.type';

@ObjectType('PromotionResult', { description: 'What promoteModelVersion wrote.' })
export class PromotionResultType {
  @Field(() => ModelVersionType, { description: 'The version as it is after the promotion.' })
  modelVersion: ModelVersionType;

  @Field(() => [ModelVersionTransitionType], { description: 'Every transition written, in order (an archived previous holder first).' })
  transitions: ModelVersionTransitionType[];
}
