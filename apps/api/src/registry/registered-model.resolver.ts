// GraphQL edge of registered models and version registration (thin: one service call per field).
import { Injectable } from '@nestjs/common';
import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/roles';
import type { Connection } from '../graphql/connection.type';
import { type GraphqlContext, loader } from '../graphql/context';
import { ModelVersionConnection, ModelVersionType } from './dto/model-version.type';
import { RegisteredModelConnection, RegisteredModelType } from './dto/registered-model.type';
import { PageArgs, VersionPageArgs } from './dto/registry.args';
import { CreateModelVersionInput, CreateRegisteredModelInput } from './dto/registry.inputs';
import { ModelRegistryService } from './model-registry.service';
import type { ModelVersionEntity } from './model-version.entity';
import { toModelVersionType, toRegisteredModelType } from './registry.mapper';

@Injectable()
@Resolver(() => RegisteredModelType)
export class RegisteredModelResolver {
  constructor(private readonly registry: ModelRegistryService) {}

  @Authorized(Role.EDITOR)
  @Mutation(() => RegisteredModelType, { description: 'Creates a registered model (names are unique).' })
  async createRegisteredModel(@Arg('input', { description: 'Name, description and tags.' }) input: CreateRegisteredModelInput, @Ctx() ctx: GraphqlContext): Promise<RegisteredModelType> {
    return toRegisteredModelType(await this.registry.createModel(input, ctx.identity!.name));
  }

  @Authorized(Role.VIEWER)
  @Query(() => RegisteredModelType, { nullable: true, description: 'A registered model by name (null when absent).' })
  async registeredModel(@Arg('name', { description: "The model's name." }) name: string): Promise<RegisteredModelType | null> {
    const model = await this.registry.findModel(name);
    return model && toRegisteredModelType(model);
  }

  @Authorized(Role.VIEWER)
  @Query(() => RegisteredModelConnection, { description: 'Registered models by name.' })
  async registeredModels(@Args() { first, after }: PageArgs): Promise<Connection<RegisteredModelType>> {
    const page = await this.registry.listModels(first, after);
    return { ...page, nodes: page.nodes.map(toRegisteredModelType) };
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ModelVersionType, { description: 'Registers a run’s artifact as the next version (1, 2, …) of a model, in stage NONE.' })
  async createModelVersion(@Arg('input', { description: 'The model, the source run and the artifact path.' }) input: CreateModelVersionInput, @Ctx() ctx: GraphqlContext): Promise<ModelVersionType> {
    const { model, version } = await this.registry.createVersion(input, ctx.identity!.name);
    return toModelVersionType(version, model.name);
  }

  @Authorized(Role.VIEWER)
  @Query(() => ModelVersionType, { nullable: true, description: 'One version of a registered model (null when the model or the version is absent).' })
  async modelVersion(
    @Arg('name', { description: "The registered model's name." }) name: string,
    @Arg('version', () => Int, { description: 'The version number.' }) version: number,
  ): Promise<ModelVersionType | null> {
    const found = await this.registry.findVersion(name, version);
    return found && toModelVersionType(found.version, found.model.name);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => ModelVersionConnection, {
    description:
      'Versions in version order, each with its stage and aliases; `stages` and `withAliases` narrow the list (and its totalCount). The models of one list are read together (one DataLoader batch per argument set).',
  })
  async versions(@Root() model: RegisteredModelType, @Args() { first, after, stages, withAliases }: VersionPageArgs, @Ctx() ctx: GraphqlContext): Promise<Connection<ModelVersionType>> {
    const filter = { stages: stages ?? undefined, withAliases: withAliases === true };
    const page = await loader<string, Connection<ModelVersionEntity>>(ctx, `registeredModel.versions:${JSON.stringify([first ?? null, after ?? null, stages ?? null, filter.withAliases])}`, (ids) =>
      this.registry.versionPages(ids, filter, first, after),
    ).load(model.id);
    return { ...page, nodes: page.nodes.map((v) => toModelVersionType(v, model.name)) };
  }
}
