// GraphQL edge of promotions, policies, history and the modelVersionChanged subscription.
import { Injectable } from '@nestjs/common';
import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../auth/roles';
import type { Connection } from '../graphql/connection.type';
import type { GraphqlContext } from '../graphql/context';
import { ModelVersionChangeType, ModelVersionTransitionConnection, type ModelVersionTransitionType } from './dto/model-version-transition.type';
import { ModelVersionType } from './dto/model-version.type';
import { PromotionResultType } from './dto/promotion-result.type';
import { RegisteredModelType } from './dto/registered-model.type';
import { PageArgs } from './dto/registry.args';
import { PromoteModelVersionInput, SetPromotionPolicyInput } from './dto/registry.inputs';
import { MODEL_VERSION_CHANGED } from './registry-events';
import { type ModelVersionChangedPayload, toChangeType, toModelVersionType, toRegisteredModelType, toTransitionType } from './registry.mapper';
import { PromotionService } from './promotion.service';

@Injectable()
@Resolver()
export class PromotionResolver {
  constructor(private readonly promotions: PromotionService) {}

  @Authorized(Role.EDITOR)
  @Mutation(() => PromotionResultType, {
    description:
      'Moves a version to a stage or an alias onto it, atomically, after checking the model’s gates. PRODUCTION and ARCHIVED need ADMIN. FAILED_PRECONDITION lists each unmet gate with its evidence; a stale expectedCurrentVersion is CONFLICT.',
  })
  async promoteModelVersion(
    @Arg('input', { description: 'The version, its target stage or alias, and the decision.' }) input: PromoteModelVersionInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<PromotionResultType> {
    const out = await this.promotions.promote(input, ctx.identity!);
    return { modelVersion: toModelVersionType(out.version, out.model.name), transitions: out.transitions.map((t) => toTransitionType(t, out.model.name)) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RegisteredModelType, { description: 'Sets (or with null removes) the model’s promotion gates; INVALID input lists every problem.' })
  async setPromotionPolicy(@Arg('input', { description: 'The model and its policy (null removes it).' }) input: SetPromotionPolicyInput): Promise<RegisteredModelType> {
    return toRegisteredModelType(await this.promotions.setPolicy(input.name, input.policy));
  }

  @Authorized(Role.VIEWER)
  @Query(() => ModelVersionTransitionConnection, { description: 'The model’s history in commit order: who, when, from, to, decision, gates, metrics snapshot.' })
  async modelVersionTransitions(@Arg('name', { description: 'The registered model.' }) name: string, @Args() { first, after }: PageArgs): Promise<Connection<ModelVersionTransitionType>> {
    const { model, page } = await this.promotions.transitions(name, first, after);
    return { ...page, nodes: page.nodes.map((t) => toTransitionType(t, model.name)) };
  }

  @Authorized(Role.VIEWER)
  @Query(() => ModelVersionType, { nullable: true, description: 'The version that was in PRODUCTION at that instant (null when none was).' })
  async productionVersionAt(@Arg('name', { description: 'The registered model.' }) name: string, @Arg('at', { description: 'The instant to look at.' }) at: Date): Promise<ModelVersionType | null> {
    const { model, version } = await this.promotions.productionVersionAt(name, at);
    return version ? toModelVersionType(version, model.name) : null;
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => ModelVersionChangeType, {
    topics: MODEL_VERSION_CHANGED,
    topicId: ({ args }) => args.name,
    description: 'Stage and alias changes of the model’s versions, published after commit.',
  })
  modelVersionChanged(@Root() payload: ModelVersionChangedPayload, @Arg('name', { description: 'The registered model to follow.' }) _name: string): ModelVersionChangeType {
    return toChangeType(payload);
  }
}
