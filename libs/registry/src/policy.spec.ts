import { describe, expect, it } from 'vitest';
import { registryErrorOf } from '../test/fixtures';
import { validatePolicy } from './policy';

describe('validatePolicy', () => {
  it('accepts the issue example and returns it', () => {
    const policy = {
      production: {
        requireEvaluation: { dataset: 'coco128', metric: 'map50', floor: 0.3, compareWithProduction: true, settingsMustMatch: ['imgsz', 'conf', 'iou'] },
        minTimeInStagingSeconds: 3600,
      },
      aliases: { champion: { requireEvaluation: { dataset: 'coco128', metric: 'map50_95', compareWithProduction: false, settingsMustMatch: [] } } },
    };
    expect(validatePolicy(policy)).toEqual(policy);
    expect(validatePolicy({})).toEqual({});
  });

  it('lists every problem at once', () => {
    const e = registryErrorOf(() =>
      validatePolicy({
        production: { requireEvaluation: { dataset: '', metric: 'loss', floor: 'high', compareWithProduction: 'yes', settingsMustMatch: ['imgsz', 'batch'] }, minTimeInStagingSeconds: -1 },
        staging: { minTimeInStagingSeconds: 10 },
        aliases: { Champion: {} },
        extra: 1,
      }),
    );
    expect(e.code).toBe('INVALID_POLICY');
    expect(e.details.problems).toEqual([
      'policy.extra is not a known field (allowed: production, staging, aliases)',
      'production.requireEvaluation.dataset must be a non-empty string',
      'production.requireEvaluation.metric must be one of map50, map50_95, map75, precision, recall, f1, fitness',
      'production.requireEvaluation.floor must be a finite number',
      'production.requireEvaluation.compareWithProduction must be a boolean',
      'production.requireEvaluation.settingsMustMatch: "batch" is not one of imgsz, conf, iou',
      'production.minTimeInStagingSeconds must be a number ≥ 0',
      'staging.minTimeInStagingSeconds is not a known field (allowed: requireEvaluation)',
      'aliases.Champion: alias "Champion" must match ^[a-z][a-z0-9_-]{0,63}$ (lower case, starting with a letter, at most 64 characters)',
    ]);
  });

  it('refuses a non-object', () => {
    expect(registryErrorOf(() => validatePolicy(null)).message).toBe('The promotion policy must be an object.');
  });
});
