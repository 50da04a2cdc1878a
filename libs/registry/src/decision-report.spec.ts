import { describe, expect, it } from 'vitest';
import { evaluation } from '../test/fixtures';
import { BEST_RUN, SEED_GRID } from '../test/seed-grid';
import { type PromotionReportInput, promotionReport } from './decision-report';
import type { GateReport } from './gate-types';
import { gridAnalysis } from './grid-analysis';

const grid = gridAnalysis(SEED_GRID, 'map50', 'LAST');
const evalRun = evaluation(3, 0.612, { id: 'e0e0e0e0-0000-4000-8000-00000000000e' });
const rising = SEED_GRID.slice(0, 8).map((r) => ({ runId: r.id, metric: 'map50', values: [r.metrics.map50.last * 0.8, r.metrics.map50.last * 0.95, r.metrics.map50.last] }));
const flat = SEED_GRID.slice(0, 8).map((r) => ({ runId: r.id, metric: 'map50', values: [r.metrics.map50.last * 0.8, r.metrics.map50.last, r.metrics.map50.last + 0.001] }));
const gates = (passed: boolean): GateReport => ({
  target: { kind: 'STAGE', stage: 'PRODUCTION' },
  passed,
  gates: [
    {
      name: 'EVALUATION',
      passed,
      required: { source: 'FLOOR', comparator: '>=', threshold: 0.3, metric: 'map50', holderVersion: null, holderEvidence: null },
      observed: 0.612,
      evidence: null,
      rejected: [],
      message: 'map50 (last value) = 0.612 ≥ the policy floor 0.3.',
    },
  ],
});

const input = (over: Partial<PromotionReportInput> = {}): PromotionReportInput => ({
  modelName: 'person-detector',
  version: 3,
  objective: 'Detect people in COCO128 images with a YOLOv8n small enough for the edge device.',
  constraints: ['YOLOv8n only'],
  policy: { production: { requireEvaluation: { dataset: 'coco128', metric: 'map50', floor: 0.3, compareWithProduction: true, settingsMustMatch: ['imgsz', 'conf', 'iou'] } } },
  candidate: BEST_RUN,
  grid,
  evaluation: {
    run: evalRun,
    operatingPoint: { confidence: 0.001, precision: 0.041, recall: 0.912, f1: 0.078 },
    f1Optimal: { confidence: 0.25, precision: 0.712, recall: 0.561, f1: 0.628 },
  },
  histories: rising,
  gates: gates(true),
  decision: { justification: 'Best map50 of the grid; imgsz 416 is a real gain.', alternatives: 'Version 2 (imgsz 320).', nextSteps: '- Collect more person images\n- Re-run at 640' },
  ...over,
});

describe('promotionReport: numbers computed from the data', () => {
  const en = promotionReport(input(), 'en');
  const fr = promotionReport(input(), 'fr');

  it('says +11.1 % for imgsz 416 vs 320 (means 0.30 and 0.27), never +17 %', () => {
    expect(en.markdown).toContain('- imgsz 416 vs 320: +11.1 % (0.300 vs 0.270), significant (≥ 2 × noise std = 0.024) (best: 416)');
    expect(fr.markdown).toContain('- imgsz 416 contre 320 : +11,1 % (0,300 contre 0,270), significatif (≥ 2 × écart-type du bruit = 0,024) (meilleure valeur : 416)');
    expect(en.markdown).not.toContain('17 %');
    const imgsz = en.sections.comparison.params.find((p) => p.key === 'imgsz');
    expect(imgsz?.changes[0].relativeChange).toBeCloseTo(0.03 / 0.27, 12);
  });

  it('gives the seed spread as the pooled std across seeds, and calls lr0 within noise', () => {
    const seed = en.sections.observations.items.find((o) => o.kind === 'SEED_VARIANCE');
    expect(seed?.data.std).toBeCloseTo(Math.sqrt(0.00015), 12);
    expect(seed?.text).toBe(
      'Seed variance: runs that differ only in the seed spread with std 0.012 (pooled over 4 groups; relative range up to 7.1 %); effects below 0.024 (2 × std) are within noise.',
    );
    expect(en.sections.comparison.noiseStd).toBeCloseTo(Math.sqrt(0.00015), 12);
    expect(en.markdown).toContain('- lr0 0.01 vs 0.005: +7.3 % (0.295 vs 0.275), not significant (< 2 × noise std = 0.024) (best: 0.01)');
    expect(en.sections.risks.items.find((r) => r.kind === 'WITHIN_NOISE')?.risk).toBe('The choice of lr0=0.01 rests on an effect within seed noise.');
  });

  it('describes the candidate: run name, short id, key params, metrics and P/R at the operating points', () => {
    const cand = en.sections.candidate;
    expect([cand.runName, cand.shortId, cand.version]).toEqual(['yolov8n_e3_sz416_lr0.01_s42', 'b1111111', 3]);
    expect(cand.keyParams).toEqual([
      { key: 'imgsz', value: '416' },
      { key: 'lr0', value: '0.01' },
      { key: 'seed', value: '42' },
      { key: 'model', value: 'yolov8n.pt' },
      { key: 'epochs', value: '3' },
    ]);
    expect(cand.metrics.map((m) => [m.key, m.last, m.lastStep])).toEqual([
      ['map50', 0.32, 2],
      ['precision', 0.04, 2],
    ]);
    expect(cand.evaluation).toMatchObject({
      shortId: 'e0e0e0e0',
      dataset: 'coco128',
      datasetDigest: 'sha256:c0c0128',
      settings: { imgsz: '640', conf: '0.001', iou: '0.7' },
      metrics: [{ key: 'map50', value: 0.612 }],
    });
    expect(en.markdown).toContain("- At the evaluation's confidence threshold 0.001: P 0.041, R 0.912, F1 0.078.");
    expect(en.markdown).toContain('- At the F1-optimal confidence threshold 0.250: P 0.712, R 0.561, F1 0.628.');
  });

  it('reports the baseline outside the grid and no holes', () => {
    expect(en.markdown).toContain('Runs outside the grid (left out of the means): yolov8n_e3_sz640_lr0.01_s0 (map50 0.330 — imgsz=640 tried at a single point, seed=0 tried at a single point).');
    expect(en.markdown).toContain('Grid holes: none.');
  });

  it('writes the sections in the seed order', () => {
    const headings = en.markdown.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Promotion report: person-detector version 3 → PRODUCTION',
      '## Objective',
      '## Constraints',
      '## Candidate',
      '## Comparison per parameter',
      '## General observations',
      '## Risks and mitigations',
      '## Decision',
      '## Next steps',
    ]);
    expect(fr.markdown.split('\n').filter((l) => l.startsWith('## '))[5]).toBe('## Risques et parades');
  });

  it('turns the policy into constraints', () => {
    expect(en.sections.constraints.items).toEqual([
      'YOLOv8n only',
      'An evaluation of the version on coco128 (full, unfiltered) with map50 ≥ that of the PRODUCTION version on the same dataset digest and settings (imgsz, conf, iou); otherwise ≥ 0.300.',
    ]);
  });
});

describe('promotionReport: observations, risks, decision', () => {
  it('explains low precision by the confidence threshold when the F1-optimal point recovers it', () => {
    const r = promotionReport(input(), 'en');
    const obs = r.sections.observations.items.find((o) => o.kind === 'LOW_PRECISION_THRESHOLD');
    expect(obs?.text).toBe(
      'Low precision (0.041) is explained by the confidence threshold 0.001, which keeps nearly every detection (as mAP needs); at the F1-optimal threshold 0.250: P 0.712, R 0.561, F1 0.628.',
    );
    expect(r.sections.risks.items.find((x) => x.kind === 'THRESHOLD')?.mitigation).toBe('Serve with the F1-optimal confidence threshold 0.250.');
    expect(r.sections.nextSteps.items).toContain('Set the serving confidence threshold to 0.250.');
  });

  it('does not blame the threshold when the F1-optimal precision is not much higher', () => {
    const r = promotionReport(
      input({ evaluation: { run: evalRun, operatingPoint: { confidence: 0.001, precision: 0.05, recall: 0.9, f1: 0.09 }, f1Optimal: { confidence: 0.3, precision: 0.15, recall: 0.4, f1: 0.22 } } }),
      'en',
    );
    expect(r.sections.observations.items.map((o) => o.kind)).toContain('LOW_PRECISION');
    expect(r.sections.observations.items.map((o) => o.kind)).not.toContain('LOW_PRECISION_THRESHOLD');
    expect(r.sections.risks.items.map((x) => x.kind)).not.toContain('THRESHOLD');
  });

  it('flags runs still improving at the last epoch (beyond the noise std) as under-trained, and not flat ones', () => {
    const up = promotionReport(input(), 'en');
    expect(up.sections.observations.items.find((o) => o.kind === 'CONVERGENCE')?.data).toMatchObject({ rising: 8, runs: 8, thresholdKind: 'noise_std' });
    expect(up.sections.risks.items.map((x) => x.kind)).toContain('UNDERTRAINED');
    const mixed = promotionReport(input({ histories: [...rising, { runId: BEST_RUN.id, metric: 'precision', values: [0.1, 0.2, 0.4] }] }), 'en');
    expect(mixed.sections.observations.items.find((o) => o.kind === 'CONVERGENCE')?.data).toMatchObject({ metric: 'map50', runs: 8 });
    const levelled = promotionReport(input({ histories: flat }), 'en');
    expect(levelled.sections.observations.items.find((o) => o.kind === 'CONVERGENCE')?.text).toMatch(/^Convergence: all 8 runs had levelled off at the last epoch/);
    expect(levelled.sections.risks.items.map((x) => x.kind)).not.toContain('UNDERTRAINED');
  });

  it('warns when the evaluation dataset is the training data', () => {
    const r = promotionReport(input({ candidate: { ...BEST_RUN, params: { ...BEST_RUN.params, data: 'coco128.yaml' } } }), 'en');
    expect(r.sections.risks.items.find((x) => x.kind === 'TRAIN_EQUALS_EVAL')?.risk).toBe('The evaluation dataset (coco128) is also the training data: scores are optimistic.');
  });

  it('says PROMOTE when the gates pass and BLOCKED when one is unmet, with the gate messages', () => {
    const ok = promotionReport(input(), 'en').sections.decision;
    expect(ok).toMatchObject({
      verdict: 'PROMOTE',
      verdictText: 'Promote version 3 to PRODUCTION: every gate passes.',
      justification: 'Best map50 of the grid; imgsz 416 is a real gain.',
      alternatives: 'Version 2 (imgsz 320).',
    });
    const blocked = promotionReport(input({ gates: gates(false) }), 'fr').sections.decision;
    expect(blocked.verdict).toBe('BLOCKED');
    expect(blocked.markdown).toContain('- EVALUATION (non remplie) : map50 (last value) = 0.612 ≥ the policy floor 0.3.');
  });

  it('lists the stated next steps first, then the ones the data calls for', () => {
    expect(promotionReport(input(), 'en').sections.nextSteps.items).toEqual([
      'Collect more person images',
      'Re-run at 640',
      'Set the serving confidence threshold to 0.250.',
      'Train longer (more epochs) and compare with this version.',
      'Run more seeds to settle lr0.',
    ]);
  });

  it('works without grid, evaluation or decision, saying what is missing', () => {
    const r = promotionReport({ modelName: 'm', version: 1, candidate: BEST_RUN }, 'en');
    expect(r.sections.objective.text).toBe('Choose the version of m to move to PRODUCTION, on map50.');
    expect(r.sections.comparison.markdown).toBe('No grid analysis was given.');
    expect(r.sections.candidate.evaluation).toBeNull();
    expect(r.sections.decision).toMatchObject({ verdict: 'NO_GATES', justification: null });
    expect(r.markdown).toContain('No written decision yet.');
  });

  it('refuses an unknown locale', () => {
    expect(() => promotionReport(input(), 'de' as never)).toThrow('Unknown report locale "de" (use en or fr).');
  });
});
