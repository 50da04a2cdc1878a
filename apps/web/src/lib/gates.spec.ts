import { describe, expect, it } from 'vitest';
import { readUnmetGates } from '../api/adapters';
import { gateRows } from './gates';

// As the api sends them: a refused PRODUCTION promotion (extensions.unmetGates) and a transition's gates document.
const unmet = {
  code: 'FAILED_PRECONDITION',
  unmetGates: [
    {
      name: 'EVALUATION',
      passed: false,
      required: { source: 'PRODUCTION_HOLDER', comparator: '>=', threshold: 0.52, metric: 'map50', holderVersion: 1, holderEvidence: null },
      observed: 0.48,
      evidence: {
        evaluationRunId: 'e2',
        evaluationRunName: 'eval_v2_coco128',
        modelVersion: 2,
        dataset: 'coco128',
        datasetDigest: 'abc',
        settings: { imgsz: '640', conf: '0.001', iou: '0.7' },
        metric: 'map50',
        aggregation: 'LAST',
        value: 0.48,
        step: 0,
      },
      rejected: [{ evaluationRunId: 'e3', evaluationRunName: 'eval_v2_filtered', reasons: ['filtered by classes 0', 'imgsz 320 ≠ 640'] }],
      message: 'Version 2 map50 0.48 < 0.52 of version 1 in PRODUCTION',
    },
    {
      name: 'MIN_TIME_IN_STAGING',
      passed: true,
      required: { source: 'MIN_SECONDS', comparator: '>=', threshold: 60, metric: null, holderVersion: null, holderEvidence: null },
      observed: 75,
      evidence: null,
      rejected: [],
      message: 'ok',
    },
    { nonsense: true },
  ],
};

describe('gate display', () => {
  it('shows each failing gate first with what was required, what was seen and the evidence', () => {
    const rows = gateRows(readUnmetGates(unmet));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      name: 'Evaluation',
      passed: false,
      required: 'map50 ≥ 0.52 (v1 in PRODUCTION)',
      observed: '0.48',
      evidence: 'map50 0.48 from eval_v2_coco128 (v2 on coco128, imgsz=640, conf=0.001, iou=0.7)',
      evidenceRunId: 'e2',
      rejected: ['eval_v2_filtered: filtered by classes 0; imgsz 320 ≠ 640'],
    });
    expect(rows[1]).toMatchObject({ name: 'Time in STAGING', passed: true, required: '≥ 60 s in STAGING', observed: '75 s' });
  });

  it('a gate without evidence says nothing was observed', () => {
    const [row] = gateRows(
      readUnmetGates({
        unmetGates: [
          { name: 'EVALUATION', passed: false, required: { source: 'FLOOR', threshold: 0.3, metric: 'map50' }, observed: null, evidence: null, rejected: [], message: 'no evaluation run was found' },
        ],
      }),
    );
    expect(row).toMatchObject({ required: 'map50 ≥ 0.3 (policy floor)', observed: 'nothing observed', evidence: null, message: 'no evaluation run was found' });
  });

  it('drops what is not a gate', () => {
    expect(readUnmetGates({ unmetGates: [{ nonsense: true }, 'x', null] })).toEqual([]);
    expect(readUnmetGates({ unmetGates: 'nope' })).toEqual([]);
    expect(readUnmetGates(undefined)).toEqual([]);
  });
});
