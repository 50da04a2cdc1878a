import { describe, expect, it } from 'vitest';
import { evaluation, hoursAfter, T0, version } from '../test/fixtures';
import { evaluateGates, type GateSnapshot } from './gates';
import type { EvaluationRequirement, PromotionPolicy } from './policy';

const AT = hoursAfter(T0, 100);
const requirement: EvaluationRequirement = { dataset: 'coco128', metric: 'map50', floor: 0.3, compareWithProduction: true, settingsMustMatch: ['imgsz', 'conf', 'iou'] };
const policy: PromotionPolicy = { production: { requireEvaluation: requirement } };

function snapshot(over: Partial<GateSnapshot> = {}): GateSnapshot {
  return {
    modelName: 'person-detector',
    candidate: version(2, 'STAGING'),
    target: { kind: 'STAGE', stage: 'PRODUCTION' },
    productionHolder: version(1, 'PRODUCTION'),
    candidateEvaluations: [],
    holderEvaluations: [],
    ...over,
  };
}
const gate = (s: GateSnapshot, p: PromotionPolicy = policy) => {
  const report = evaluateGates(p, s, AT);
  expect(report.gates).toHaveLength(1);
  return { ...report.gates[0], reportPassed: report.passed };
};

describe('evaluation gate', () => {
  it('fails with no evaluation at all', () => {
    const g = gate(snapshot());
    expect(g).toMatchObject({ name: 'EVALUATION', passed: false, reportPassed: false, observed: null, evidence: null, rejected: [] });
    expect(g.message).toBe('Version 2 needs a finished, unfiltered evaluation on coco128 with map50: no evaluation run was found.');
  });

  it.each([
    ['another dataset', { params: { dataset: 'coco8' } }, 'dataset is "coco8", not "coco128"'],
    ['a class filter', { params: { classes: '[0]' } }, 'filtered to classes [0] (a full, unfiltered evaluation is required)'],
    ['an unfinished run', { status: 'RUNNING' as const }, 'status is RUNNING, not FINISHED'],
    ['a training run', { kind: 'TRAINING' as const }, 'kind is TRAINING, not EVALUATION'],
    ['another model', { modelName: 'other' }, 'evaluates model "other", not "person-detector"'],
  ])('rejects %s and says why', (_what, opts, reason) => {
    const run = evaluation(2, 0.9, opts);
    const g = gate(snapshot({ candidateEvaluations: [run] }));
    expect(g.passed).toBe(false);
    expect(g.rejected).toEqual([{ evaluationRunId: run.id, evaluationRunName: run.name, reasons: [reason] }]);
    expect(g.message).toContain(reason);
  });

  it('rejects an evaluation of another version (evidence must be of this version)', () => {
    const g = gate(snapshot({ candidateEvaluations: [evaluation(1, 0.9)] }));
    expect(g.passed).toBe(false);
    expect(g.rejected[0].reasons).toEqual(['evaluates version 1, not 2']);
  });

  it('rejects a NaN metric and a missing metric', () => {
    const nan = evaluation(2, Number.NaN);
    const none = { ...evaluation(2, 0.5), metrics: {} };
    const g = gate(snapshot({ candidateEvaluations: [nan, none] }));
    expect(g.passed).toBe(false);
    expect(g.rejected.map((r) => r.reasons[0]).sort()).toEqual(['has no map50 metric', 'map50 is NaN']);
  });

  it('treats absent, empty and "[]" classes as unfiltered', () => {
    for (const classes of [undefined, '', '[]']) {
      expect(gate(snapshot({ productionHolder: null, candidateEvaluations: [evaluation(2, 0.5, { params: { classes } })] })).passed).toBe(true);
    }
  });

  it('fails below the holder on the same digest and settings, with both evidences', () => {
    const cand = evaluation(2, 0.41);
    const hold = evaluation(1, 0.45);
    const g = gate(snapshot({ candidateEvaluations: [cand], holderEvaluations: [hold] }));
    expect(g.passed).toBe(false);
    expect(g.observed).toBe(0.41);
    expect(g.required).toMatchObject({ source: 'PRODUCTION_HOLDER', threshold: 0.45, holderVersion: 1 });
    expect(g.required.holderEvidence?.evaluationRunId).toBe(hold.id);
    expect(g.evidence).toMatchObject({ evaluationRunId: cand.id, datasetDigest: 'sha256:c0c0128', settings: { imgsz: '640', conf: '0.001', iou: '0.7' }, value: 0.41, aggregation: 'LAST' });
    expect(g.message).toBe(
      `map50 (last value) = 0.41 from evaluation ${cand.id.slice(0, 8)} (${cand.name}) on coco128 digest sha256:c0c0128, imgsz=640 conf=0.001 iou=0.7 < 0.45 of PRODUCTION version 1 from evaluation ${hold.id.slice(0, 8)} (${hold.name}) on coco128 digest sha256:c0c0128, imgsz=640 conf=0.001 iou=0.7.`,
    );
  });

  it('passes at a tie with the holder (≥)', () => {
    expect(gate(snapshot({ candidateEvaluations: [evaluation(2, 0.45)], holderEvaluations: [evaluation(1, 0.45)] })).passed).toBe(true);
  });

  it('compares settings numerically ("0.70" equals "0.7")', () => {
    const g = gate(snapshot({ candidateEvaluations: [evaluation(2, 0.4, { params: { iou: '0.70' } })], holderEvaluations: [evaluation(1, 0.45)] }));
    expect(g.required.source).toBe('PRODUCTION_HOLDER');
  });

  it.each([
    ['another dataset digest', { dataset_digest: 'sha256:new' }],
    ['another imgsz', { imgsz: '320' }],
    ['another conf', { conf: '0.25' }],
  ])('falls back to the floor when the holder evaluation has %s', (_what, params) => {
    const g = gate(snapshot({ candidateEvaluations: [evaluation(2, 0.35)], holderEvaluations: [evaluation(1, 0.9, { params })] }));
    expect(g.passed).toBe(true);
    expect(g.required).toMatchObject({ source: 'FLOOR', threshold: 0.3, holderEvidence: null });
    expect(g.message).toContain('≥ the policy floor 0.3 (PRODUCTION version 1 has no evaluation on the same digest and settings).');
  });

  it('fails below the floor when there is no holder', () => {
    const g = gate(snapshot({ productionHolder: null, candidateEvaluations: [evaluation(2, 0.29)] }));
    expect(g.passed).toBe(false);
    expect(g.required).toMatchObject({ source: 'FLOOR', threshold: 0.3 });
    expect(g.message).toMatch(/< the policy floor 0.3 \(no version is in PRODUCTION\)\.$/);
  });

  it('without a floor or a holder, a usable evaluation is enough', () => {
    const g = gate(snapshot({ productionHolder: null, candidateEvaluations: [evaluation(2, 0.01)] }), { production: { requireEvaluation: { ...requirement, floor: undefined } } });
    expect(g).toMatchObject({ passed: true, observed: 0.01, required: { source: 'EXISTENCE', threshold: null } });
  });

  it('prefers a comparable pair over a more recent evaluation on another digest', () => {
    const older = evaluation(2, 0.4, { endTime: hoursAfter(T0, 1) });
    const newer = evaluation(2, 0.95, { endTime: hoursAfter(T0, 5), params: { dataset_digest: 'sha256:new' } });
    const g = gate(snapshot({ candidateEvaluations: [newer, older], holderEvaluations: [evaluation(1, 0.45)] }));
    expect(g.evidence?.evaluationRunId).toBe(older.id);
    expect(g.passed).toBe(false);
  });

  it('uses the most recent comparable evaluations when several exist', () => {
    const old = evaluation(2, 0.2, { endTime: hoursAfter(T0, 1) });
    const recent = evaluation(2, 0.5, { endTime: hoursAfter(T0, 3) });
    const holdOld = evaluation(1, 0.6, { endTime: hoursAfter(T0, 1) });
    const holdRecent = evaluation(1, 0.45, { endTime: hoursAfter(T0, 2) });
    const g = gate(snapshot({ candidateEvaluations: [old, recent], holderEvaluations: [holdOld, holdRecent] }));
    expect([g.evidence?.evaluationRunId, g.required.holderEvidence?.evaluationRunId, g.passed]).toEqual([recent.id, holdRecent.id, true]);
  });

  it('accepts the Ultralytics key for map50', () => {
    const run = { ...evaluation(2, 0), metrics: { 'metrics/mAP50(B)': { last: 0.5, lastStep: 0, min: 0.5, minStep: 0, max: 0.5, maxStep: 0 } } };
    expect(gate(snapshot({ productionHolder: null, candidateEvaluations: [run] })).observed).toBe(0.5);
  });

  it('ignores compareWithProduction=false: the floor applies even with a comparable holder', () => {
    const g = gate(snapshot({ candidateEvaluations: [evaluation(2, 0.31)], holderEvaluations: [evaluation(1, 0.9)] }), {
      production: { requireEvaluation: { ...requirement, compareWithProduction: false } },
    });
    expect(g).toMatchObject({ passed: true, required: { source: 'FLOOR' } });
  });
});

describe('minimum time in STAGING', () => {
  const p: PromotionPolicy = { production: { minTimeInStagingSeconds: 86_400 } };

  it('fails before the time is up, passes after, counting from stageEnteredAt', () => {
    const early = gate(snapshot({ candidate: version(2, 'STAGING', { stageEnteredAt: hoursAfter(AT, -23) }) }), p);
    expect(early).toMatchObject({ name: 'MIN_TIME_IN_STAGING', passed: false, observed: 82_800, required: { source: 'MIN_SECONDS', threshold: 86_400 } });
    expect(early.message).toBe(`Version 2 has been in STAGING for 82800 s since ${hoursAfter(AT, -23).toISOString()} (< 86400 s required).`);
    expect(gate(snapshot({ candidate: version(2, 'STAGING', { stageEnteredAt: hoursAfter(AT, -24) }) }), p).passed).toBe(true);
  });

  it('fails for a version not in STAGING', () => {
    const g = gate(snapshot({ candidate: version(2, 'NONE') }), p);
    expect(g).toMatchObject({ passed: false, observed: null });
    expect(g.message).toBe('Version 2 is in NONE, not STAGING; it must spend at least 86400 s in STAGING.');
  });
});

describe('evaluateGates', () => {
  it('has no gates (and passes) without a policy, and for ARCHIVED', () => {
    expect(evaluateGates(null, snapshot(), AT)).toEqual({ target: { kind: 'STAGE', stage: 'PRODUCTION' }, passed: true, gates: [] });
    expect(evaluateGates(policy, snapshot({ target: { kind: 'STAGE', stage: 'ARCHIVED' } }), AT).gates).toEqual([]);
  });
});
