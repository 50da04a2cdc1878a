import { describe, expect, it } from 'vitest';
import { parseFilter, parseOrderBy } from './filter-parser';
import { SearchFilterError } from './search-filter-error';

function errorOf(fn: () => unknown): SearchFilterError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SearchFilterError) return e;
    throw e;
  }
  throw new Error('expected a SearchFilterError');
}

describe('parseFilter', () => {
  it('parses an MLflow conjunction of a metric and a param', () => {
    expect(parseFilter("metrics.map50 > 0.3 and params.imgsz = '416'")).toEqual({
      type: 'and',
      children: [
        { type: 'comparison', target: { kind: 'metric', key: 'map50', aggregation: 'last' }, operator: '>', value: { type: 'number', value: 0.3 }, position: 0 },
        { type: 'comparison', target: { kind: 'param', key: 'imgsz' }, operator: '=', value: { type: 'string', value: '416' }, position: 24 },
      ],
    });
  });

  it('binds AND tighter than OR, and parentheses override it', () => {
    const flat = parseFilter("tags.a = 'x' OR tags.b = 'y' AND tags.c = 'z'");
    expect(flat?.type).toBe('or');
    expect(flat?.type === 'or' && flat.children.map((c) => c.type)).toEqual(['comparison', 'and']);
    const grouped = parseFilter("(tags.a = 'x' OR tags.b = 'y') AND tags.c = 'z'");
    expect(grouped?.type).toBe('and');
    expect(grouped?.type === 'and' && grouped.children.map((c) => c.type)).toEqual(['or', 'comparison']);
  });

  it('reads backquoted and double-quoted keys, aggregations and MLflow aliases', () => {
    expect(parseFilter('max(metrics.`metrics/mAP50(B)`) >= 0.25')).toMatchObject({ target: { kind: 'metric', key: 'metrics/mAP50(B)', aggregation: 'max' }, operator: '>=' });
    expect(parseFilter('MIN(metric."val loss") < 1e-2')).toMatchObject({ target: { kind: 'metric', key: 'val loss', aggregation: 'min' }, value: { value: 0.01 } });
    expect(parseFilter("attributes.run_name LIKE 'yolo%'")).toMatchObject({ target: { kind: 'attribute', name: 'name' }, operator: 'LIKE' });
    expect(parseFilter("run.status IN ('FINISHED', 'FAILED')")).toMatchObject({
      target: { kind: 'attribute', name: 'status' },
      operator: 'IN',
      value: { type: 'list', values: ['FINISHED', 'FAILED'] },
    });
    expect(parseFilter("params.lr0 NOT IN ('0.01')")).toMatchObject({ operator: 'NOT IN', value: { values: ['0.01'] } });
    expect(parseFilter('attributes.start_time >= 1700000000000')).toMatchObject({ target: { name: 'start_time' }, value: { type: 'number', value: 1700000000000 } });
    expect(parseFilter('metrics.loss != -2.5')).toMatchObject({ operator: '!=', value: { value: -2.5 } });
    expect(parseFilter("tags.note = 'it''s'")).toMatchObject({ value: { value: "it's" } });
  });

  it('treats a blank filter as no filter', () => {
    expect(parseFilter('')).toBeUndefined();
    expect(parseFilter('   ')).toBeUndefined();
    expect(parseFilter(null)).toBeUndefined();
  });

  it.each([
    ['metrics.map50 xyz 0.3', 14, 'Unexpected token "xyz" at position 14: expected a comparison operator'],
    ["params.imgsz = '416' and metrics.map50 xyz 0.3", 39, 'Unexpected token "xyz" at position 39: expected a comparison operator'],
    ['metrics.map50 >', 15, 'Unexpected end of filter at position 15: expected a number for metrics.map50'],
    ["foo.bar = 'x'", 0, 'Unexpected token "foo" at position 0: expected metrics., params., tags. or attributes.'],
    ['(metrics.a > 1 OR metrics.b > 2', 31, 'Unexpected end of filter at position 31: expected ")" to close "(" at position 0'],
    ['metrics.a > 1 metrics.b > 2', 14, 'Unexpected token "metrics" at position 14: expected AND, OR or the end of the filter'],
    ['params.imgsz = 416', 15, 'Unexpected token "416" at position 15: expected a quoted string for params.imgsz'],
    ["metrics.map50 LIKE '0.3%'", 14, 'Operator LIKE at position 14 does not apply to metrics.map50'],
    ["params.x > 'a'", 9, 'Operator > at position 9 does not apply to params.x'],
    ["attributes.colour = 'red'", 11, 'Unknown attribute "colour" at position 11'],
    ["max(params.x) = 'a'", 0, 'Aggregation max() at position 0 applies to metrics only, not params.x'],
    ['avg(metrics.x) > 1', 0, 'Unexpected token "avg" at position 0: expected an aggregation (min, max, last)'],
    ["tags.a = 'open", 9, 'Unterminated string at position 9'],
    ['metrics.`map50 > 1', 8, 'Unterminated backquoted name at position 8'],
    ['metrics.a > 1 ; drop table runs', 14, 'Unexpected character ";" at position 14'],
    ['tags.a IN ()', 11, 'Unexpected token ")" at position 11: expected a quoted string in the list'],
    ['metrics.a > 12abc', 12, 'Unexpected token "12abc" at position 12'],
  ])('rejects %j at position %i', (filter, position, message) => {
    const e = errorOf(() => parseFilter(filter));
    expect(e.code).toBe('INVALID_FILTER');
    expect(e.position).toBe(position);
    expect(e.message.startsWith(message)).toBe(true);
  });

  it('refuses runaway nesting instead of overflowing the stack', () => {
    const deep = '('.repeat(100) + 'metrics.a > 1' + ')'.repeat(100);
    expect(errorOf(() => parseFilter(deep)).message).toMatch(/nested deeper than 64/);
  });
});

describe('parseOrderBy', () => {
  it('parses aggregations, directions (default ASC) and attributes', () => {
    expect(parseOrderBy(['max(metrics.map50) DESC', 'attributes.start_time', 'params.lr0 asc'])).toEqual([
      { target: { kind: 'metric', key: 'map50', aggregation: 'max' }, direction: 'DESC' },
      { target: { kind: 'attribute', name: 'start_time' }, direction: 'ASC' },
      { target: { kind: 'param', key: 'lr0' }, direction: 'ASC' },
    ]);
    expect(parseOrderBy(undefined)).toEqual([]);
  });

  it('reports the term and position of a bad term', () => {
    const e = errorOf(() => parseOrderBy(['metrics.a', 'metrics.map50 DOWN']));
    expect(e.input).toBe('orderBy[1]');
    expect(e.position).toBe(14);
    expect(e.message).toBe('Unexpected token "DOWN" at position 14: expected ASC, DESC or the end of the term');
  });
});
