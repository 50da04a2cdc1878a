import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS, orderByOf, parseColumns, pickerEntries, runPageSize, parseSort, quoteKey, serializeColumns, serializeSort } from './columns';

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

  it("lists matching params, then current metric columns the server has not listed, then the server's keys in its order", () => {
    const cols = [
      { kind: 'param' as const, key: 'seed' },
      { kind: 'metric' as const, key: 'map50' },
      { kind: 'metric' as const, key: 'class_09999/ap' },
    ];
    const ids = (search: string, keys: string[]) => pickerEntries(['lr0', 'imgsz'], keys, cols, search).map((c) => `${c.kind}:${c.key}`);
    expect(ids('', ['class_00000/ap', 'map50'])).toEqual(['param:imgsz', 'param:lr0', 'param:seed', 'metric:class_09999/ap', 'metric:class_00000/ap', 'metric:map50']);
    // The server already filtered its keys; the rest are filtered here, ignoring case as the server does.
    expect(ids('CLASS_09', ['class_09000/ap'])).toEqual(['metric:class_09999/ap', 'metric:class_09000/ap']);
    expect(ids('class_09', ['class_09000/ap', 'class_09999/ap'])).toEqual(['metric:class_09000/ap', 'metric:class_09999/ap']);
    expect(ids('LR', [])).toEqual(['param:lr0']);
  });

  it('shrinks the table page as metric columns are added, so a page stays under the api complexity limit', () => {
    expect(runPageSize(0)).toBe(100);
    expect(runPageSize(4)).toBe(100);
    // 100 runs × 5 metric columns cost 5,101 in the api (over 5,000): fewer runs a page.
    expect(runPageSize(5)).toBe(86);
    expect(runPageSize(5) * (12 + 8 * 5)).toBeLessThan(5000);
    expect(runPageSize(100)).toBe(5);
    expect(runPageSize(1000)).toBe(1);
  });
});
