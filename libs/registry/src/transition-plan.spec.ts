import { describe, expect, it } from 'vitest';
import { applyPlan, evaluation, hoursAfter, model, registryErrorOf, T0, version } from '../test/fixtures';
import type { PromotionPolicy } from './policy';
import { planPromotion, type PromotionRequest, type PromotionSnapshot } from './transition-plan';

const AT = hoursAfter(T0, 100);
const decision = { justification: 'Best map50 on coco128 among the nine runs.' };
const snap = (versions: ReturnType<typeof version>[], extra: Partial<PromotionSnapshot> = {}): PromotionSnapshot => ({ model: model(versions), policy: null, ...extra });
const req = (r: Partial<PromotionRequest>): PromotionRequest => ({ version: 1, actor: 'alice', ...r });

describe('planPromotion: stage moves', () => {
  it('moves NONE → STAGING and records who, when, from, to and the decision', () => {
    const plan = planPromotion(snap([version(1, 'NONE')]), req({ stage: 'STAGING', decision }), AT);
    expect(plan.versionUpdates).toEqual([{ version: 1, fromStage: 'NONE', toStage: 'STAGING', stageEnteredAt: AT }]);
    expect(plan.aliasUpdates).toEqual([]);
    expect(plan.transition).toMatchObject({ version: 1, fromStage: 'NONE', toStage: 'STAGING', actor: 'alice', at: AT, automatic: false, decision: { justification: decision.justification } });
    expect(plan.transitions).toEqual([plan.transition]);
    expect(plan.events).toEqual([
      { type: 'MODEL_VERSION_CHANGED', modelName: 'person-detector', version: 1, fromStage: 'NONE', toStage: 'STAGING', aliasesAdded: [], aliasesRemoved: [], actor: 'alice', at: AT },
    ]);
  });

  it('promotes STAGING → PRODUCTION and archives the previous holder first, in the same plan', () => {
    const plan = planPromotion(snap([version(1, 'PRODUCTION'), version(2, 'STAGING')]), req({ version: 2, stage: 'PRODUCTION', decision }), AT);
    expect(plan.versionUpdates).toEqual([
      { version: 1, fromStage: 'PRODUCTION', toStage: 'ARCHIVED', stageEnteredAt: AT },
      { version: 2, fromStage: 'STAGING', toStage: 'PRODUCTION', stageEnteredAt: AT },
    ]);
    expect(plan.transitions.map((t) => [t.version, t.fromStage, t.toStage, t.automatic])).toEqual([
      [1, 'PRODUCTION', 'ARCHIVED', true],
      [2, 'STAGING', 'PRODUCTION', false],
    ]);
    expect(plan.transitions[0].reason).toBe('Archived because version 2 was promoted to PRODUCTION.');
    expect(plan.transition.version).toBe(2);
    expect(plan.events.map((e) => [e.version, e.toStage])).toEqual([
      [1, 'ARCHIVED'],
      [2, 'PRODUCTION'],
    ]);
  });

  it.each([
    [
      'NONE',
      'PRODUCTION',
      'Version 1 cannot move from NONE to PRODUCTION; from NONE it may move to STAGING, ARCHIVED. Move it to STAGING first (or set production.allowDirectPromotion in the promotion policy).',
    ],
    [
      'ARCHIVED',
      'PRODUCTION',
      'Version 1 cannot move from ARCHIVED to PRODUCTION; from ARCHIVED it may move to STAGING. Move it to STAGING first (or set production.allowDirectPromotion in the promotion policy).',
    ],
    ['PRODUCTION', 'STAGING', 'Version 1 cannot move from PRODUCTION to STAGING; from PRODUCTION it may move to ARCHIVED.'],
    ['ARCHIVED', 'NONE', 'Version 1 cannot move from ARCHIVED to NONE; from ARCHIVED it may move to STAGING.'],
    ['STAGING', 'STAGING', 'Version 1 is already in STAGING.'],
  ] as const)('refuses %s → %s', (from, to, message) => {
    const e = registryErrorOf(() => planPromotion(snap([version(1, from)]), req({ stage: to, decision }), AT));
    expect(e.code).toBe('ILLEGAL_TRANSITION');
    expect(e.message).toBe(message);
  });

  it.each([
    ['STAGING', 'ARCHIVED'],
    ['STAGING', 'NONE'],
    ['PRODUCTION', 'ARCHIVED'],
    ['ARCHIVED', 'STAGING'],
    ['NONE', 'ARCHIVED'],
  ] as const)('allows %s → %s', (from, to) => {
    const plan = planPromotion(snap([version(1, from)]), req({ stage: to, decision }), AT);
    expect(plan.versionUpdates).toEqual([{ version: 1, fromStage: from, toStage: to, stageEnteredAt: AT }]);
  });

  it('allows NONE → PRODUCTION when the policy allows direct promotion', () => {
    const policy: PromotionPolicy = { production: { allowDirectPromotion: true } };
    const plan = planPromotion(snap([version(1, 'NONE')], { policy }), req({ stage: 'PRODUCTION', decision }), AT);
    expect(plan.versionUpdates[0]).toMatchObject({ fromStage: 'NONE', toStage: 'PRODUCTION' });
  });

  it.each([undefined, { justification: '' }, { justification: '   \n' }])('requires a justification for STAGING and PRODUCTION (%j)', (d) => {
    for (const [from, to] of [
      ['NONE', 'STAGING'],
      ['STAGING', 'PRODUCTION'],
    ] as const) {
      const e = registryErrorOf(() => planPromotion(snap([version(1, from)]), req({ stage: to, decision: d }), AT));
      expect(e.code).toBe('DECISION_REQUIRED');
      expect(e.message).toBe(`Moving version 1 to ${to} needs a decision with a non-empty justification.`);
    }
  });

  it('archives without a decision, and trims the decision it is given', () => {
    expect(planPromotion(snap([version(1, 'STAGING')]), req({ stage: 'ARCHIVED' }), AT).transition.decision).toBeNull();
    const plan = planPromotion(snap([version(1, 'NONE')]), req({ stage: 'STAGING', decision: { justification: '  ok  ', risks: ' ', alternatives: 'v2' } }), AT);
    expect(plan.transition.decision).toEqual({ justification: 'ok', alternatives: 'v2', risks: null, nextSteps: null, report: null });
  });

  it('keeps at most one PRODUCTION: archiveExisting=false with a holder is refused, without one it is fine', () => {
    const e = registryErrorOf(() => planPromotion(snap([version(1, 'PRODUCTION'), version(2, 'STAGING')]), req({ version: 2, stage: 'PRODUCTION', decision, archiveExisting: false }), AT));
    expect(e.code).toBe('ILLEGAL_TRANSITION');
    expect(e.message).toBe('Version 1 is in PRODUCTION and at most one version may be: promote with archiveExisting=true, or archive version 1 first.');
    const plan = planPromotion(snap([version(2, 'STAGING')]), req({ version: 2, stage: 'PRODUCTION', decision, archiveExisting: false }), AT);
    expect(plan.versionUpdates).toHaveLength(1);
  });

  it('records the source run metrics in the metrics snapshot', () => {
    const v = version(1, 'NONE', { sourceRunId: 'r1', sourceRunMetrics: { map50: { last: 0.3, lastStep: 2, min: 0.1, minStep: 0, max: 0.3, maxStep: 2 } } });
    const plan = planPromotion(snap([v]), req({ stage: 'STAGING', decision }), AT);
    expect(plan.transition.metricsSnapshot).toEqual({
      sourceRunId: 'r1',
      sourceRun: { map50: { last: 0.3, lastStep: 2, min: 0.1, minStep: 0, max: 0.3, maxStep: 2 } },
      evaluation: null,
      comparedWith: null,
    });
  });
});

describe('planPromotion: request and existence checks', () => {
  it.each([
    [{ stage: 'STAGING' as const, alias: 'champion' }, 'Invalid promotion request: give exactly one of stage and alias.'],
    [{}, 'Invalid promotion request: give exactly one of stage and alias.'],
    [{ stage: 'LIVE' as never }, 'Invalid promotion request: stage "LIVE" is not one of NONE, STAGING, PRODUCTION, ARCHIVED.'],
    [{ stage: 'STAGING' as const, version: 0 }, 'Invalid promotion request: version must be a positive integer.'],
    [{ stage: 'STAGING' as const, actor: ' ' }, 'Invalid promotion request: actor is required.'],
    [{ stage: 'STAGING' as const, expectedCurrentVersion: 1 }, 'Invalid promotion request: expectedCurrentVersion applies to PRODUCTION and aliases (places one version holds), not to STAGING.'],
  ])('refuses %j', (r, message) => {
    const e = registryErrorOf(() => planPromotion(snap([version(1, 'NONE')]), req({ decision, ...r }), AT));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toBe(message);
  });

  it('reports a missing model and a missing version', () => {
    expect(registryErrorOf(() => planPromotion({ model: null, policy: null }, req({ stage: 'STAGING', decision }), AT)).code).toBe('MODEL_NOT_FOUND');
    const e = registryErrorOf(() => planPromotion(snap([version(1, 'NONE')]), req({ version: 7, stage: 'STAGING', decision }), AT));
    expect(e.code).toBe('VERSION_NOT_FOUND');
    expect(e.message).toBe('Model "person-detector" has no version 7.');
  });
});

describe('planPromotion: compare-and-swap (expectedCurrentVersion)', () => {
  const versions = () => [version(1, 'PRODUCTION'), version(2, 'STAGING'), version(3, 'STAGING')];

  it('passes when the expected holder is the holder', () => {
    const plan = planPromotion(snap(versions()), req({ version: 2, stage: 'PRODUCTION', decision, expectedCurrentVersion: 1 }), AT);
    expect(plan.versionUpdates.map((u) => u.version)).toEqual([1, 2]);
  });

  it('is a VERSION_CONFLICT when another version holds PRODUCTION', () => {
    const e = registryErrorOf(() => planPromotion(snap(versions()), req({ version: 2, stage: 'PRODUCTION', decision, expectedCurrentVersion: null }), AT));
    expect(e.code).toBe('VERSION_CONFLICT');
    expect(e.message).toBe('PRODUCTION of "person-detector" changed: expected no version, but version 1 holds it now. Reload and retry.');
    expect(e.details).toMatchObject({ expectedVersion: null, actualVersion: 1 });
  });

  it('of 100 racers that read the same state, exactly one wins; the rest conflict; one PRODUCTION remains', () => {
    let state = model([version(1, 'PRODUCTION'), ...Array.from({ length: 100 }, (_, i) => version(i + 2, 'STAGING'))]);
    const outcomes: string[] = [];
    for (let v = 2; v <= 101; v++) {
      try {
        state = applyPlan(state, planPromotion({ model: state, policy: null }, req({ version: v, stage: 'PRODUCTION', decision, expectedCurrentVersion: 1 }), AT));
        outcomes.push('ok');
      } catch (e) {
        outcomes.push((e as { code: string }).code);
      }
    }
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'VERSION_CONFLICT')).toHaveLength(99);
    expect(state.versions.filter((v) => v.stage === 'PRODUCTION').map((v) => v.version)).toEqual([2]);
  });

  it('without CAS, serialised racers each archive the previous holder: one PRODUCTION, every other ARCHIVED', () => {
    let state = model(Array.from({ length: 100 }, (_, i) => version(i + 1, 'STAGING')));
    for (let v = 1; v <= 100; v++) state = applyPlan(state, planPromotion({ model: state, policy: null }, req({ version: v, stage: 'PRODUCTION', decision }), AT));
    expect(state.versions.filter((v) => v.stage === 'PRODUCTION').map((v) => v.version)).toEqual([100]);
    expect(state.versions.filter((v) => v.stage === 'ARCHIVED')).toHaveLength(99);
  });
});

describe('planPromotion: aliases', () => {
  it('moves an alias from its holder to the version, with one event each', () => {
    const s = snap([version(1, 'PRODUCTION', { aliases: ['champion'] }), version(2, 'STAGING', { aliases: ['challenger'] })]);
    const plan = planPromotion(s, req({ version: 2, alias: 'champion', expectedCurrentVersion: 1 }), AT);
    expect(plan.versionUpdates).toEqual([]);
    expect(plan.aliasUpdates).toEqual([{ alias: 'champion', fromVersion: 1, toVersion: 2 }]);
    expect(plan.transition).toMatchObject({ kind: 'ALIAS', version: 2, alias: 'champion', aliasPreviousVersion: 1, fromStage: 'STAGING', toStage: 'STAGING' });
    expect(plan.events.map((e) => [e.version, e.aliasesAdded, e.aliasesRemoved])).toEqual([
      [1, [], ['champion']],
      [2, ['champion'], []],
    ]);
    expect(applyPlan(s.model!, plan).versions.map((v) => v.aliases)).toEqual([[], ['challenger', 'champion']]);
  });

  it('gives a new alias with no previous holder, no decision needed', () => {
    const plan = planPromotion(snap([version(1, 'NONE')]), req({ alias: 'challenger' }), AT);
    expect(plan.aliasUpdates).toEqual([{ alias: 'challenger', fromVersion: null, toVersion: 1 }]);
    expect(plan.events).toHaveLength(1);
  });

  it('refuses a move onto the version that holds it, and a stale expected holder', () => {
    const s = snap([version(1, 'NONE', { aliases: ['champion'] }), version(2, 'NONE')]);
    expect(registryErrorOf(() => planPromotion(s, req({ alias: 'champion' }), AT)).message).toBe('Version 1 already holds alias "champion".');
    const e = registryErrorOf(() => planPromotion(s, req({ version: 2, alias: 'champion', expectedCurrentVersion: null }), AT));
    expect(e.code).toBe('VERSION_CONFLICT');
    expect(e.message).toBe('Alias "champion" of "person-detector" changed: expected no version, but version 1 holds it now. Reload and retry.');
  });

  it.each(['Champion', 'latest', 'v1', '1st', 'a'.repeat(65), 'with space', ''])('refuses the alias name %j', (alias) => {
    const e = registryErrorOf(() => planPromotion(snap([version(1, 'NONE')]), req({ alias }), AT));
    expect(e.code).toBe('ALIAS_INVALID');
    expect(e.message).toMatch(/^Invalid alias: alias ".*" (must match|is reserved)/);
  });
});

describe('planPromotion: gates', () => {
  const policy: PromotionPolicy = {
    production: {
      requireEvaluation: { dataset: 'coco128', metric: 'map50', floor: 0.3, compareWithProduction: true, settingsMustMatch: ['imgsz', 'conf', 'iou'] },
      minTimeInStagingSeconds: 3600,
    },
  };

  it('refuses PRODUCTION without an evaluation with GATE_UNMET listing the unmet gate', () => {
    const e = registryErrorOf(() => planPromotion(snap([version(1, 'STAGING')], { policy }), req({ stage: 'PRODUCTION', decision }), AT));
    expect(e.code).toBe('GATE_UNMET');
    expect(e.details.unmetGates?.map((g) => g.name)).toEqual(['EVALUATION']);
    expect(e.message).toBe('Version 1 does not meet the gates for PRODUCTION: Version 1 needs a finished, unfiltered evaluation on coco128 with map50: no evaluation run was found.');
  });

  it('lists every unmet gate (evaluation below the holder and too little time in STAGING)', () => {
    const s = snap([version(1, 'PRODUCTION'), version(2, 'STAGING', { stageEnteredAt: hoursAfter(AT, -0.5) })], {
      policy,
      candidateEvaluations: [evaluation(2, 0.4)],
      holderEvaluations: [evaluation(1, 0.45)],
    });
    const e = registryErrorOf(() => planPromotion(s, req({ version: 2, stage: 'PRODUCTION', decision }), AT));
    expect(e.details.unmetGates?.map((g) => [g.name, g.observed, g.required.threshold])).toEqual([
      ['EVALUATION', 0.4, 0.45],
      ['MIN_TIME_IN_STAGING', 1800, 3600],
    ]);
  });

  it('promotes when the gates pass, and stores the gate report and the evidence with the transition', () => {
    const cand = evaluation(2, 0.5);
    const hold = evaluation(1, 0.45);
    const s = snap([version(1, 'PRODUCTION'), version(2, 'STAGING', { stageEnteredAt: hoursAfter(AT, -2) })], { policy, candidateEvaluations: [cand], holderEvaluations: [hold] });
    const plan = planPromotion(s, req({ version: 2, stage: 'PRODUCTION', decision }), AT);
    expect(plan.gates.passed).toBe(true);
    expect(plan.transition.gates?.gates.map((g) => g.passed)).toEqual([true, true]);
    expect(plan.transition.metricsSnapshot.evaluation?.evaluationRunId).toBe(cand.id);
    expect(plan.transition.metricsSnapshot.comparedWith?.evaluationRunId).toBe(hold.id);
    expect(plan.transitions[0].gates).toBeNull();
  });

  it('does not apply PRODUCTION gates to STAGING', () => {
    const plan = planPromotion(snap([version(1, 'NONE')], { policy }), req({ stage: 'STAGING', decision }), AT);
    expect(plan.gates).toEqual({ target: { kind: 'STAGE', stage: 'STAGING' }, passed: true, gates: [] });
    expect(plan.transition.gates).toBeNull();
  });

  it('applies alias gates', () => {
    const aliasPolicy: PromotionPolicy = { aliases: { champion: { requireEvaluation: { dataset: 'coco128', metric: 'map50', floor: 0.3, compareWithProduction: false, settingsMustMatch: [] } } } };
    const e = registryErrorOf(() => planPromotion(snap([version(1, 'STAGING')], { policy: aliasPolicy, candidateEvaluations: [evaluation(1, 0.2)] }), req({ alias: 'champion' }), AT));
    expect(e.code).toBe('GATE_UNMET');
    expect(e.details.unmetGates?.[0].required).toMatchObject({ source: 'FLOOR', threshold: 0.3 });
    const plan = planPromotion(snap([version(1, 'STAGING')], { policy: aliasPolicy, candidateEvaluations: [evaluation(1, 0.35)] }), req({ alias: 'champion' }), AT);
    expect(plan.aliasUpdates).toHaveLength(1);
  });
});
