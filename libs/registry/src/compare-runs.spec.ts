import { describe, expect, it } from 'vitest';
import { SEED_GRID } from '../test/seed-grid';
import { compareRuns } from './compare-runs';

describe('compareRuns', () => {
  it('puts params side by side, marks differences, and gives metric summaries with steps', () => {
    const [a, b] = [SEED_GRID[0], SEED_GRID[4]];
    const c = compareRuns([a, { ...b, params: { ...b.params, extra: 'x' } }], ['map50', 'recall']);
    expect(c.runs).toEqual([
      { id: a.id, shortId: 'a1111111', name: 'yolov8n_e3_sz320_lr0.01_s42' },
      { id: b.id, shortId: 'b1111111', name: 'yolov8n_e3_sz416_lr0.01_s42' },
    ]);
    expect(c.params).toEqual([
      { key: 'epochs', values: ['3', '3'], differs: false },
      { key: 'extra', values: [null, 'x'], differs: true },
      { key: 'imgsz', values: ['320', '416'], differs: true },
      { key: 'lr0', values: ['0.01', '0.01'], differs: false },
      { key: 'model', values: ['yolov8n.pt', 'yolov8n.pt'], differs: false },
      { key: 'seed', values: ['42', '42'], differs: false },
    ]);
    expect(c.metrics[0].key).toBe('map50');
    expect(c.metrics[0].summaries[1]).toMatchObject({ last: 0.32, lastStep: 2, maxStep: 2, minStep: 0 });
    expect(c.metrics[0].summaries[1]?.min).toBeCloseTo(0.256, 12);
    expect(c.metrics[1]).toEqual({ key: 'recall', summaries: [null, null] });
  });
});
