import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS, orderByOf, parseColumns, parseSort, quoteKey, serializeColumns, serializeSort } from './columns';

describe('runs table columns and sort', () => {
  it('defaults to the YOLO columns and round-trips through the URL, keys with odd characters included', () => {
    expect(parseColumns(null).map((c) => c.key)).toEqual(['imgsz', 'lr0', 'seed', 'map50', 'map50_95', 'precision', 'recall']);
    const cols = [...DEFAULT_COLUMNS, { kind: 'metric' as const, key: 'metrics/mAP50(B),x' }];
    expect(parseColumns(serializeColumns(cols))).toEqual(cols);
    expect(parseColumns('')).toEqual([]);
    expect(parseColumns('zz:1,m:,p:lr0')).toEqual([{ kind: 'param', key: 'lr0' }]);
  });

  it('builds searchRuns orderBy terms, quoting keys the language needs quoted', () => {
    expect(orderByOf(null)).toEqual(['attributes.start_time DESC']);
    expect(orderByOf(parseSort('m:map50:DESC'))).toEqual(['metrics.map50 DESC']);
    expect(orderByOf(parseSort('p:imgsz:ASC'))).toEqual(['params.imgsz ASC']);
    expect(orderByOf({ column: { kind: 'metric', key: 'train/box_loss' }, desc: false })).toEqual(['metrics.`train/box_loss` ASC']);
    expect(orderByOf({ column: { kind: 'attr', key: 'name' }, desc: true })).toEqual(['attributes.run_name DESC']);
    expect(quoteKey('a`b')).toBeNull();
    expect(serializeSort({ column: { kind: 'metric', key: 'map50' }, desc: true })).toBe('m:map50:DESC');
  });
});
