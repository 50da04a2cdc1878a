import { describe, expect, it } from 'vitest';
import { aliasesOf, canonicalMetricKey } from './metric-keys';

describe('canonicalMetricKey', () => {
  it.each([
    ['metrics/mAP50(B)', 'map50'],
    ['metrics/mAP50B', 'map50'],
    ['metrics/mAP50-95(B)', 'map50_95'],
    ['metrics/mAP50-95B', 'map50_95'],
    ['metrics/precision(B)', 'precision'],
    ['metrics/precisionB', 'precision'],
    ['metrics/recall(B)', 'recall'],
    ['metrics/recallB', 'recall'],
  ])('maps the Ultralytics key %s to %s', (alias, canonical) => {
    expect(canonicalMetricKey(alias)).toBe(canonical);
  });

  it.each(['map50', 'map50_95', 'fitness', 'train/box_loss', 'val/cls_loss', 'lr/pg0', 'metrics/mAP50(M)', 'METRICS/MAP50(B)'])('keeps %s as it is', (key) => {
    expect(canonicalMetricKey(key)).toBe(key);
  });

  it('lists the aliases of a canonical key', () => {
    expect(aliasesOf('map50_95').sort()).toEqual(['metrics/mAP50-95(B)', 'metrics/mAP50-95B']);
    expect(aliasesOf('fitness')).toEqual([]);
  });
});
