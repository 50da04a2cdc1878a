// planPromotion: every rule of promoteModelVersion in one pure function. The api loads the snapshot inside its
// transaction, calls this, persists the plan (versionUpdates, aliasUpdates, transitions) and publishes `events`
// after commit. Any rule that fails throws a RegistryError; nothing is half-planned. Over 300 lines on purpose: every
// promotion rule in one place.
import { aliasHolder, type AliasUpdate, validateAliasName } from './aliases';
import { evaluateGates, targetPolicyFor } from './gates';
import type { GateEvidence, GateReport, PromotionTarget } from './gate-types';
import type { PromotionPolicy } from './policy';
import { RegistryError } from './registry-error';
import type { MetricSummary, ModelVersionSnapshot, RegisteredModelSnapshot, RunSnapshot } from './snapshots';
import { assertLegalStageMove, DECISION_STAGES, isModelStage, type ModelStage } from './stages';

export interface PromotionDecision {
  readonly justification: string;
  readonly alternatives?: string | null;
  readonly risks?: string | null;
  readonly nextSteps?: string | null;
  /** A promotion report (promotionReport's markdown) the decision relies on; stored with the transition. */
  readonly report?: { readonly locale: string; readonly markdown: string } | null;
}

export interface PromotionRequest {
  readonly version: number;
  readonly stage?: ModelStage | null;
  readonly alias?: string | null;
  readonly decision?: PromotionDecision | null;
  /** PRODUCTION only (ignored otherwise); default true. false refuses to promote while another version holds it. */
  readonly archiveExisting?: boolean | null;
  /**
   * Compare-and-swap on the place being taken: the version now in PRODUCTION, or now holding the alias (null = none).
   * undefined = no check. Only meaningful for exclusive targets; given for STAGING/ARCHIVED/NONE it is INVALID_INPUT.
   */
  readonly expectedCurrentVersion?: number | null;
  /** Identity of the caller (auth), recorded on every transition. */
  readonly actor: string;
}

export interface PromotionSnapshot {
  /** null when the api found no model of that name. */
  readonly model: RegisteredModelSnapshot | null;
  readonly policy: PromotionPolicy | null;
  /** Evaluation runs of the candidate version (params model_name/model_version); unused when no gate needs them. */
  readonly candidateEvaluations?: readonly RunSnapshot[];
  /** Evaluation runs of the current PRODUCTION holder. */
  readonly holderEvaluations?: readonly RunSnapshot[];
}

export interface VersionUpdate {
  readonly version: number;
  /** Persist with `WHERE stage = fromStage` as a last guard: 0 rows updated means the snapshot was stale. */
  readonly fromStage: ModelStage;
  readonly toStage: ModelStage;
  readonly stageEnteredAt: Date;
}

export interface MetricsSnapshot {
  readonly sourceRunId: string | null;
  readonly sourceRun: Readonly<Record<string, MetricSummary>>;
  /** The evaluation the gate accepted, and the holder's it was compared with (null when no gate used one). */
  readonly evaluation: GateEvidence | null;
  readonly comparedWith: GateEvidence | null;
}

export interface TransitionRecord {
  readonly modelName: string;
  readonly version: number;
  readonly kind: 'STAGE' | 'ALIAS';
  readonly fromStage: ModelStage;
  readonly toStage: ModelStage;
  readonly alias: string | null;
  /** For an alias move: the version that held the alias before (null when none). */
  readonly aliasPreviousVersion: number | null;
  readonly actor: string;
  readonly at: Date;
  /** true for a consequence of another transition (the previous PRODUCTION holder being archived). */
  readonly automatic: boolean;
  readonly reason: string | null;
  readonly decision: PromotionDecision | null;
  readonly gates: GateReport | null;
  readonly metricsSnapshot: MetricsSnapshot;
}

export interface ModelVersionChangedEvent {
  readonly type: 'MODEL_VERSION_CHANGED';
  readonly modelName: string;
  readonly version: number;
  readonly fromStage: ModelStage;
  readonly toStage: ModelStage;
  readonly aliasesAdded: readonly string[];
  readonly aliasesRemoved: readonly string[];
  readonly actor: string;
  readonly at: Date;
}

export interface PromotionPlan {
  readonly modelName: string;
  readonly versionUpdates: readonly VersionUpdate[];
  readonly aliasUpdates: readonly AliasUpdate[];
  /** The transition asked for (carries the decision and the gates). */
  readonly transition: TransitionRecord;
  /** Every transition to insert, in order: automatic ones (archiving the previous holder) first, `transition` last. */
  readonly transitions: readonly TransitionRecord[];
  /** Publish after commit, in this order. */
  readonly events: readonly ModelVersionChangedEvent[];
  readonly gates: GateReport;
}

function validateRequest(request: PromotionRequest): PromotionTarget {
  const problems: string[] = [];
  const hasStage = request.stage !== undefined && request.stage !== null;
  const hasAlias = request.alias !== undefined && request.alias !== null;
  if (hasStage === hasAlias) problems.push('give exactly one of stage and alias');
  if (hasStage && !isModelStage(request.stage)) problems.push(`stage "${String(request.stage)}" is not one of NONE, STAGING, PRODUCTION, ARCHIVED`);
  if (!Number.isInteger(request.version) || request.version < 1) problems.push('version must be a positive integer');
  if (typeof request.actor !== 'string' || request.actor.trim() === '') problems.push('actor is required');
  const cas = request.expectedCurrentVersion;
  if (cas !== undefined && cas !== null && (!Number.isInteger(cas) || cas < 1)) problems.push('expectedCurrentVersion must be a positive integer or null');
  if (cas !== undefined && hasStage && request.stage !== 'PRODUCTION') {
    problems.push(`expectedCurrentVersion applies to PRODUCTION and aliases (places one version holds), not to ${String(request.stage)}`);
  }
  if (problems.length > 0) throw new RegistryError('INVALID_INPUT', `Invalid promotion request: ${problems.join('; ')}.`, { problems });
  if (hasAlias) {
    validateAliasName(request.alias as string);
    return { kind: 'ALIAS', alias: request.alias as string };
  }
  return { kind: 'STAGE', stage: request.stage as ModelStage };
}

function requireDecision(target: PromotionTarget, decision: PromotionDecision | null | undefined, version: number): PromotionDecision | null {
  const justification = decision?.justification?.trim() ?? '';
  if (target.kind === 'STAGE' && DECISION_STAGES.includes(target.stage) && justification === '') {
    throw new RegistryError('DECISION_REQUIRED', `Moving version ${version} to ${target.stage} needs a decision with a non-empty justification.`);
  }
  if (!decision) return null;
  const clean = (s: string | null | undefined): string | null => (s === undefined || s === null || s.trim() === '' ? null : s.trim());
  return {
    justification,
    alternatives: clean(decision.alternatives),
    risks: clean(decision.risks),
    nextSteps: clean(decision.nextSteps),
    report: decision.report ?? null,
  };
}

function checkExpected(expected: number | null | undefined, actual: number | null, place: string): void {
  if (expected === undefined || expected === actual) return;
  const want = expected === null ? 'no version' : `version ${expected}`;
  const have = actual === null ? 'no version holds it now' : `version ${actual} holds it now`;
  throw new RegistryError('VERSION_CONFLICT', `${place} changed: expected ${want}, but ${have}. Reload and retry.`, {
    expectedVersion: expected,
    actualVersion: actual,
  });
}

function metricsSnapshotOf(version: ModelVersionSnapshot, gates: GateReport | null): MetricsSnapshot {
  const evaluationGate = gates?.gates.find((g) => g.name === 'EVALUATION');
  return {
    sourceRunId: version.sourceRunId ?? null,
    sourceRun: version.sourceRunMetrics ?? {},
    evaluation: evaluationGate?.evidence ?? null,
    comparedWith: evaluationGate?.required.holderEvidence ?? null,
  };
}

function findVersion(model: RegisteredModelSnapshot, version: number): ModelVersionSnapshot {
  const found = model.versions.find((v) => v.version === version);
  if (!found) throw new RegistryError('VERSION_NOT_FOUND', `Model "${model.name}" has no version ${version}.`);
  return found;
}

/**
 * Plans a promotion (a stage move or an alias move) of one version, or throws. Order of checks: the request itself
 * (INVALID_INPUT, ALIAS_INVALID, DECISION_REQUIRED), existence (MODEL_NOT_FOUND, VERSION_NOT_FOUND), the
 * compare-and-swap (VERSION_CONFLICT: a stale caller learns that first), legality (ILLEGAL_TRANSITION), then the gates
 * (GATE_UNMET, with every unmet gate and its evidence).
 * Invariant: at most one version in PRODUCTION. Promoting to PRODUCTION archives the holder (archiveExisting,
 * default true); archiveExisting=false with a holder is ILLEGAL_TRANSITION. Aliases are independent of stages:
 * archiving a version keeps its aliases.
 */
export function planPromotion(snapshot: PromotionSnapshot, request: PromotionRequest, at: Date): PromotionPlan {
  const target = validateRequest(request);
  const decision = requireDecision(target, request.decision, request.version);
  const model = snapshot.model;
  if (!model) throw new RegistryError('MODEL_NOT_FOUND', 'Registered model not found.');
  const candidate = findVersion(model, request.version);
  const productionHolder = model.versions.find((v) => v.stage === 'PRODUCTION') ?? null;
  const actor = request.actor.trim();

  if (target.kind === 'ALIAS') {
    const holder = aliasHolder(model, target.alias);
    checkExpected(request.expectedCurrentVersion, holder, `Alias "${target.alias}" of "${model.name}"`);
    if (holder === candidate.version) throw new RegistryError('ILLEGAL_TRANSITION', `Version ${candidate.version} already holds alias "${target.alias}".`);
  } else {
    if (target.stage === 'PRODUCTION') checkExpected(request.expectedCurrentVersion, productionHolder?.version ?? null, `PRODUCTION of "${model.name}"`);
    const allowDirectPromotion = snapshot.policy?.production?.allowDirectPromotion === true;
    assertLegalStageMove(candidate.version, candidate.stage, target.stage, { allowDirectPromotion });
    if (target.stage === 'PRODUCTION' && productionHolder && request.archiveExisting === false) {
      throw new RegistryError(
        'ILLEGAL_TRANSITION',
        `Version ${productionHolder.version} is in PRODUCTION and at most one version may be: promote with archiveExisting=true, or archive version ${productionHolder.version} first.`,
      );
    }
  }

  const gates = evaluateGates(
    snapshot.policy,
    {
      modelName: model.name,
      candidate,
      target,
      productionHolder,
      candidateEvaluations: snapshot.candidateEvaluations ?? [],
      holderEvaluations: snapshot.holderEvaluations ?? [],
    },
    at,
  );
  if (!gates.passed) {
    const unmet = gates.gates.filter((g) => !g.passed);
    const where = target.kind === 'ALIAS' ? `alias "${target.alias}"` : target.stage;
    throw new RegistryError('GATE_UNMET', `Version ${candidate.version} does not meet the gates for ${where}: ${unmet.map((g) => g.message).join(' ')}`, {
      unmetGates: unmet,
    });
  }
  const gateRecord = targetPolicyFor(snapshot.policy, target) ? gates : null;

  return target.kind === 'ALIAS'
    ? planAliasMove(model, candidate, target.alias, decision, gateRecord, gates, actor, at)
    : planStageMove(model, candidate, target.stage, productionHolder, decision, gateRecord, gates, actor, at);
}

function planStageMove(
  model: RegisteredModelSnapshot,
  candidate: ModelVersionSnapshot,
  toStage: ModelStage,
  productionHolder: ModelVersionSnapshot | null,
  decision: PromotionDecision | null,
  gateRecord: GateReport | null,
  gates: GateReport,
  actor: string,
  at: Date,
): PromotionPlan {
  const versionUpdates: VersionUpdate[] = [];
  const transitions: TransitionRecord[] = [];
  const events: ModelVersionChangedEvent[] = [];
  const move = (v: ModelVersionSnapshot, to: ModelStage, extra: Pick<TransitionRecord, 'automatic' | 'reason' | 'decision' | 'gates'>): void => {
    versionUpdates.push({ version: v.version, fromStage: v.stage, toStage: to, stageEnteredAt: at });
    transitions.push({
      modelName: model.name,
      version: v.version,
      kind: 'STAGE',
      fromStage: v.stage,
      toStage: to,
      alias: null,
      aliasPreviousVersion: null,
      actor,
      at,
      metricsSnapshot: metricsSnapshotOf(v, extra.gates),
      ...extra,
    });
    events.push({ type: 'MODEL_VERSION_CHANGED', modelName: model.name, version: v.version, fromStage: v.stage, toStage: to, aliasesAdded: [], aliasesRemoved: [], actor, at });
  };
  if (toStage === 'PRODUCTION' && productionHolder) {
    move(productionHolder, 'ARCHIVED', { automatic: true, reason: `Archived because version ${candidate.version} was promoted to PRODUCTION.`, decision: null, gates: null });
  }
  move(candidate, toStage, { automatic: false, reason: null, decision, gates: gateRecord });
  return { modelName: model.name, versionUpdates, aliasUpdates: [], transition: transitions[transitions.length - 1], transitions, events, gates };
}

function planAliasMove(
  model: RegisteredModelSnapshot,
  candidate: ModelVersionSnapshot,
  alias: string,
  decision: PromotionDecision | null,
  gateRecord: GateReport | null,
  gates: GateReport,
  actor: string,
  at: Date,
): PromotionPlan {
  const previous = aliasHolder(model, alias);
  const events: ModelVersionChangedEvent[] = [];
  if (previous !== null) {
    const prev = findVersion(model, previous);
    events.push({ type: 'MODEL_VERSION_CHANGED', modelName: model.name, version: previous, fromStage: prev.stage, toStage: prev.stage, aliasesAdded: [], aliasesRemoved: [alias], actor, at });
  }
  events.push({
    type: 'MODEL_VERSION_CHANGED',
    modelName: model.name,
    version: candidate.version,
    fromStage: candidate.stage,
    toStage: candidate.stage,
    aliasesAdded: [alias],
    aliasesRemoved: [],
    actor,
    at,
  });
  const transition: TransitionRecord = {
    modelName: model.name,
    version: candidate.version,
    kind: 'ALIAS',
    fromStage: candidate.stage,
    toStage: candidate.stage,
    alias,
    aliasPreviousVersion: previous,
    actor,
    at,
    automatic: false,
    reason: null,
    decision,
    gates: gateRecord,
    metricsSnapshot: metricsSnapshotOf(candidate, gateRecord),
  };
  return {
    modelName: model.name,
    versionUpdates: [],
    aliasUpdates: [{ alias, fromVersion: previous, toVersion: candidate.version }],
    transition,
    transitions: [transition],
    events,
    gates,
  };
}
