// Promotions, policies and history. One write transaction per promotion: lock the model, load the snapshot, let
// @podium/registry plan it (rules, gates), persist the plan, commit; publish the plan's events after commit.
import { Inject, Injectable } from '@nestjs/common';
import {
  type ModelStage as LibModelStage,
  type ModelVersionSnapshot,
  type PromotionDecision,
  planPromotion,
  type PromotionPlan,
  type PromotionPolicy,
  type PromotionRequest,
  type PromotionSnapshot,
  type ReportLocale,
  productionVersionAt,
  type RunSnapshot,
  targetPolicyFor,
  validatePolicy,
} from '@podium/registry';
import type { EntityManager } from 'typeorm';
import { type Identity, Role, roleSatisfies } from '../auth/roles';
import { AppError, conflict, notFound } from '../common/app-error';
import { keysetPage } from '../common/pagination';
import { Database } from '../database/database';
import { connection, type Connection } from '../graphql/connection.type';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import type { PromoteModelVersionInput } from './dto/registry.inputs';
import { EvidenceRepository } from './evidence.repository';
import { PromotionReportService } from './promotion-report.service';
import type { ModelVersionEntity } from './model-version.entity';
import type { RegisteredModelEntity } from './registered-model.entity';
import { publishModelVersionChanged } from './registry-events';
import { toChangedPayload, toVersionSnapshot } from './registry.mapper';
import { RegistryRepository } from './registry.repository';
import type { StageTransitionEntity } from './stage-transition.entity';

export interface PromotionOutcome {
  model: RegisteredModelEntity;
  version: ModelVersionEntity;
  transitions: StageTransitionEntity[];
  plan: PromotionPlan;
}

@Injectable()
export class PromotionService {
  constructor(
    private readonly db: Database,
    private readonly repo: RegistryRepository,
    private readonly evidence: EvidenceRepository,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
    private readonly reports: PromotionReportService,
  ) {}

  async promote(input: PromoteModelVersionInput, identity: Identity): Promise<PromotionOutcome> {
    if ((input.stage === 'PRODUCTION' || input.stage === 'ARCHIVED') && !roleSatisfies(identity.role, Role.ADMIN)) {
      throw new AppError('FORBIDDEN', `Moving a version to ${input.stage} requires role ADMIN; token "${identity.name}" has role ${identity.role}`);
    }
    const actor = identity.name;
    const report = await this.reportFor(input);
    const outcome = await this.db.write(async (tx) => {
      const model = await this.repo.lockModelByName(tx, this.db.dialect, input.name);
      if (!model) throw notFound('Registered model', input.name);
      const versions = await this.repo.findVersionsByModelIds(tx, [model.id]);
      const policy = (model.policy as PromotionPolicy | null) ?? null;
      const snapshot = await this.loadSnapshot(tx, model, versions, policy, input);
      const request: PromotionRequest = {
        version: input.version,
        stage: (input.stage ?? null) as LibModelStage | null,
        alias: input.alias ?? null,
        decision: input.decision ? ({ ...input.decision, report } as PromotionDecision) : null,
        archiveExisting: input.archiveExisting ?? null,
        // GraphQL cannot tell "no check" from "expect none" with one nullable Int: 0 means "no version holds it".
        expectedCurrentVersion: input.expectedCurrentVersion === null || input.expectedCurrentVersion === undefined ? undefined : input.expectedCurrentVersion || null,
        actor,
      };
      const plan = planPromotion(snapshot, request, new Date());
      const persisted = await this.persist(tx, model, versions, plan);
      const payloads = persisted.plan.events.map(toChangedPayload);
      tx.afterCommit(() => payloads.forEach((payload) => publishModelVersionChanged(this.pubSub, payload)));
      return persisted;
    });
    return outcome;
  }

  /** The report to store with the decision (useReport), written before the transaction: it reads many runs. */
  private async reportFor(input: PromoteModelVersionInput): Promise<PromotionDecision['report']> {
    const d = input.decision;
    if (!d?.useReport) return null;
    const locale = (d.reportLocale ?? 'en') as ReportLocale;
    const decision = { justification: d.justification, alternatives: d.alternatives, risks: d.risks, nextSteps: d.nextSteps };
    const stage = (input.stage ?? undefined) as LibModelStage | undefined;
    const report = await this.reports.report({ name: input.name, version: input.version, locale, decision, stage });
    return { locale, markdown: report.markdown };
  }

  private async loadSnapshot(
    tx: EntityManager,
    model: RegisteredModelEntity,
    versions: ModelVersionEntity[],
    policy: PromotionPolicy | null,
    input: PromoteModelVersionInput,
  ): Promise<PromotionSnapshot> {
    const aliases = await this.repo.findAliasesByModelIds(tx, [model.id]);
    const candidate = versions.find((v) => v.version === input.version);
    const holder = versions.find((v) => v.stage === 'PRODUCTION');
    const involved = [candidate, holder].filter((v): v is ModelVersionEntity => v !== undefined);
    const metrics = await this.evidence.findSummaries(
      tx,
      involved.map((v) => v.sourceRunId).filter((id): id is string => id !== null),
    );
    const toSnapshot = (v: ModelVersionEntity): ModelVersionSnapshot => toVersionSnapshot(v, aliases, involved.includes(v) && v.sourceRunId ? (metrics.get(v.sourceRunId) ?? {}) : undefined);
    const target = input.alias ? { kind: 'ALIAS' as const, alias: input.alias } : { kind: 'STAGE' as const, stage: (input.stage ?? 'NONE') as LibModelStage };
    let candidateEvaluations: RunSnapshot[] = [];
    let holderEvaluations: RunSnapshot[] = [];
    if (targetPolicyFor(policy, target)?.requireEvaluation && candidate) {
      const ids = await this.evidence.findEvaluationRunIds(
        tx,
        model.name,
        involved.map((v) => v.version),
      );
      candidateEvaluations = await this.evidence.findRunSnapshots(tx, ids.get(candidate.version) ?? []);
      if (holder && holder !== candidate) holderEvaluations = await this.evidence.findRunSnapshots(tx, ids.get(holder.version) ?? []);
    }
    return { model: { name: model.name, versions: versions.map(toSnapshot) }, policy, candidateEvaluations, holderEvaluations };
  }

  private async persist(tx: EntityManager, model: RegisteredModelEntity, versions: ModelVersionEntity[], plan: PromotionPlan): Promise<PromotionOutcome> {
    const idOf = (n: number): string => versions.find((v) => v.version === n)!.id;
    for (const u of plan.versionUpdates) {
      const moved = await this.repo.updateVersionStage(tx, model.id, u.version, u.fromStage, u.toStage, u.stageEnteredAt.getTime());
      // Cannot happen while the model row is locked; if it does, nothing of this plan is committed.
      if (!moved) throw conflict(`Version ${u.version} of "${model.name}" is no longer in ${u.fromStage}; reload and retry`);
    }
    for (const a of plan.aliasUpdates) await this.repo.setAlias(tx, model.id, a.alias, a.toVersion === null ? null : idOf(a.toVersion));
    const transitions = await this.repo.appendTransitions(
      tx,
      model.id,
      plan.transitions.map((t) => ({
        version: t.version,
        kind: t.kind,
        fromStage: t.fromStage,
        toStage: t.toStage,
        alias: t.alias,
        aliasPreviousVersion: t.aliasPreviousVersion,
        actor: t.actor,
        at: t.at.getTime(),
        automatic: t.automatic,
        reason: t.reason,
        decision: t.decision,
        gates: t.gates,
        metricsSnapshot: t.metricsSnapshot,
      })),
    );
    const version = (await this.repo.findVersion(tx, model.id, plan.transition.version))!;
    return { model, version, transitions, plan };
  }

  async setPolicy(name: string, raw: Record<string, unknown> | null | undefined): Promise<RegisteredModelEntity> {
    const policy = raw === null || raw === undefined ? null : validatePolicy(raw);
    return this.db.write(async (tx) => {
      const model = await this.repo.lockModelByName(tx, this.db.dialect, name);
      if (!model) throw notFound('Registered model', name);
      await this.repo.updatePolicy(tx, model.id, policy);
      return (await this.repo.findModelsByIds(tx, [model.id]))[0];
    });
  }

  async transitions(name: string, first: number | null | undefined, after: string | null | undefined): Promise<{ model: RegisteredModelEntity; page: Connection<StageTransitionEntity> }> {
    const model = await this.modelNamed(name);
    const page = await keysetPage(
      first,
      after,
      (a, limit) => this.repo.findTransitionPage(this.db.read, model.id, a, limit),
      (t) => ({ key: t.seq, id: t.id }),
    );
    return { model, page: connection(page.nodes, page.totalCount, page.endCursor, page.hasNextPage) };
  }

  /** The version that was in PRODUCTION at `at`, replayed from the history (null when none was). */
  async productionVersionAt(name: string, at: Date): Promise<{ model: RegisteredModelEntity; version: ModelVersionEntity | null }> {
    const model = await this.modelNamed(name);
    const rows = await this.repo.findStageTransitionsUpTo(this.db.read, model.id, at.getTime());
    const number = productionVersionAt(
      rows.map((r) => ({ version: r.version, fromStage: r.fromStage as LibModelStage, toStage: r.toStage as LibModelStage, at: new Date(r.at), sequence: r.seq })),
      at,
    );
    return { model, version: number === null ? null : await this.repo.findVersion(this.db.read, model.id, number) };
  }

  private async modelNamed(name: string): Promise<RegisteredModelEntity> {
    const [model] = await this.repo.findModelsByNames(this.db.read, [name]);
    if (!model) throw notFound('Registered model', name);
    return model;
  }
}
