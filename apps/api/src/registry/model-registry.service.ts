// Registered models and their versions: creation (version numbers under a unique constraint, retried) and reads.
import { Inject, Injectable } from '@nestjs/common';
import { badInput, conflict, notFound } from '../common/app-error';
import { keysetPage } from '../common/pagination';
import { Database } from '../database/database';
import { connection, type Connection } from '../graphql/connection.type';
import type { CreateModelVersionInput, CreateRegisteredModelInput } from './dto/registry.inputs';
import type { ModelVersionEntity } from './model-version.entity';
import type { RegisteredModelEntity } from './registered-model.entity';
import { isUniqueViolation } from '../database/unique-violation';
import { RegistryRepository, type VersionFilter } from './registry.repository';
import { SourceArtifactChecker } from './source-artifact.checker';

/** Attempts at `max(version) + 1` before giving up; the model row lock makes a second attempt rare. */
const VERSION_NUMBER_ATTEMPTS = 8;

@Injectable()
export class ModelRegistryService {
  constructor(
    private readonly db: Database,
    private readonly repo: RegistryRepository,
    @Inject(SourceArtifactChecker) private readonly artifacts: SourceArtifactChecker,
  ) {}

  async createModel(input: CreateRegisteredModelInput, actor: string): Promise<RegisteredModelEntity> {
    try {
      return await this.db.write((tx) => this.repo.insertModel(tx, { name: input.name, description: input.description ?? null, tags: input.tags ?? [], createdBy: actor, policy: null }));
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`Registered model "${input.name}" already exists`, { name: input.name });
      throw e;
    }
  }

  async getModel(name: string): Promise<RegisteredModelEntity> {
    const model = await this.findModel(name);
    if (!model) throw notFound('Registered model', name);
    return model;
  }

  async findModel(name: string): Promise<RegisteredModelEntity | null> {
    const [model] = await this.repo.findModelsByNames(this.db.read, [name]);
    return model ?? null;
  }

  async listModels(first: number | null | undefined, after: string | null | undefined): Promise<Connection<RegisteredModelEntity>> {
    const page = await keysetPage(
      first,
      after,
      (a, limit) => this.repo.listModels(this.db.read, a, limit),
      (m) => ({ key: m.name, id: m.id }),
    );
    return connection(page.nodes, page.totalCount, page.endCursor, page.hasNextPage);
  }

  /**
   * Registers a run's artifact as the model's next version. The number is `max(version) + 1`, inserted under the
   * unique (model_id, version) constraint with the model row locked; a unique violation (another writer won) is
   * retried with a fresh transaction, at most VERSION_NUMBER_ATTEMPTS times.
   */
  async createVersion(input: CreateModelVersionInput, actor: string): Promise<{ model: RegisteredModelEntity; version: ModelVersionEntity }> {
    const source = await this.artifacts.resolve(input.runId, input.artifactPath);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.write(async (tx) => {
          const model = await this.repo.lockModelByName(tx, this.db.dialect, input.name);
          if (!model) throw notFound('Registered model', input.name);
          const number = await this.repo.nextVersionNumber(tx, model.id);
          const version = await this.repo.insertVersion(tx, {
            modelId: model.id,
            version: number,
            sourceRunId: source.runId,
            artifactPath: input.artifactPath,
            artifactSha256: source.sha256,
            description: input.description ?? null,
            tags: input.tags ?? [],
            stage: 'NONE',
            stageEnteredAt: Date.now(),
            createdBy: actor,
          });
          return { model, version };
        });
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= VERSION_NUMBER_ATTEMPTS) throw e;
      }
    }
  }

  async getVersion(name: string, version: number): Promise<{ model: RegisteredModelEntity; version: ModelVersionEntity }> {
    const found = await this.findVersion(name, version);
    if (!found) throw notFound('Model version', `${name}/${version}`);
    return found;
  }

  /** null when the model or the version does not exist (the `modelVersion` query). */
  async findVersion(name: string, version: number): Promise<{ model: RegisteredModelEntity; version: ModelVersionEntity } | null> {
    const model = await this.findModel(name);
    const row = model ? await this.repo.findVersion(this.db.read, model.id, version) : undefined;
    return model && row ? { model, version: row } : null;
  }

  /**
   * The same page of versions (filter, `first`, `after`) of each model in `modelIds`, read for all of them at once
   * (the `RegisteredModel.versions` DataLoader batches one list's models here).
   */
  async versionPages(modelIds: readonly string[], filter: VersionFilter, first: number | null | undefined, after: string | null | undefined): Promise<Connection<ModelVersionEntity>[]> {
    if (filter.stages?.length === 0) throw badInput('stages: name at least one stage, or leave the argument out');
    let batch: Promise<Map<string, { rows: ModelVersionEntity[]; total: number }>> | undefined;
    return Promise.all(
      modelIds.map(async (modelId) => {
        const page = await keysetPage(
          first,
          after,
          async (a, limit) => (await (batch ??= this.repo.findVersionPages(this.db.read, modelIds, filter, a, limit))).get(modelId)!,
          (v) => ({ key: v.version, id: v.id }),
        );
        return connection(page.nodes, page.totalCount, page.endCursor, page.hasNextPage);
      }),
    );
  }
}
