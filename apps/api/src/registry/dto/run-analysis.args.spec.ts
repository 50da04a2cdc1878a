import 'reflect-metadata';
import { validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { CompareRunsArgs, GridAnalysisArgs, PromotionReportArgs } from './run-analysis.args';

const failed = async (o: object): Promise<string[]> => (await validate(o, { forbidUnknownValues: false })).map((e) => e.property);

describe('run-analysis args', () => {
  it('bound every list and string a caller sends', async () => {
    const grid = Object.assign(new GridAnalysisArgs(), {
      runIds: ['', 'x'.repeat(65)],
      experimentId: 'e'.repeat(65),
      metric: 'map50',
      aggregation: 'MAX',
      repeatParams: Array.from({ length: 101 }, (_, i) => `p${i}`),
      ignoreParams: ['k'.repeat(251)],
    });
    expect(await failed(grid)).toEqual(['runIds', 'experimentId', 'repeatParams', 'ignoreParams']);
    expect(await failed(Object.assign(new CompareRunsArgs(), { runIds: ['a1b2c3d4', ''], metrics: ['m'.repeat(251)] }))).toEqual(['runIds', 'metrics']);
    expect(await failed(Object.assign(new PromotionReportArgs(), { name: 'm', version: 1, locale: 'en', metric: '' }))).toEqual(['metric']);
  });

  it('accepts a well-formed request', async () => {
    const grid = Object.assign(new GridAnalysisArgs(), { experimentId: 'a'.repeat(36), metric: 'map50', aggregation: 'MAX', repeatParams: ['seed'], ignoreParams: null });
    expect(await failed(grid)).toEqual([]);
  });
});
