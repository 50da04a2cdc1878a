import { describe, expect, it } from 'vitest';
import { compileCount, compileFilter, compileSearch, SqlParams } from './filter-compiler';
import { parseFilter, parseOrderBy } from './filter-parser';
import { toGlobPattern, toLikePattern } from './like-pattern';

const alias = (k: string) => (k === 'metrics/mAP50(B)' ? 'map50' : k);

function where(filter: string, dialect: 'sqlite' | 'postgres') {
  const p = new SqlParams(dialect);
  const sql = compileFilter(parseFilter(filter)!, p, { dialect, metricKey: alias });
  return { sql, params: p.values };
}

describe('compileFilter', () => {
  it('turns a metric term into a primary-key probe of the summaries, with the canonical key', () => {
    expect(where('max(metrics.`metrics/mAP50(B)`) > 0.3', 'postgres')).toEqual({
      sql: 'EXISTS (SELECT 1 FROM metric_summaries ms WHERE ms.run_id = r.id AND ms.key = $1 AND ms.max_value > $2)',
      params: ['map50', 0.3],
    });
    expect(where('metrics.loss != 1', 'sqlite')).toEqual({
      sql: 'EXISTS (SELECT 1 FROM metric_summaries ms WHERE ms.run_id = r.id AND ms.key = ? AND ms.last_value <> ?)',
      params: ['loss', 1],
    });
  });

  it('keeps OR and parentheses, numbering PostgreSQL placeholders in order', () => {
    expect(where("(params.imgsz = '416' OR tags.best IN ('yes', 'y')) AND attributes.status = 'FINISHED'", 'postgres')).toEqual({
      sql:
        '((EXISTS (SELECT 1 FROM run_params kv WHERE kv.run_id = r.id AND kv.key = $1 AND kv.value = $2) OR ' +
        'EXISTS (SELECT 1 FROM run_tags kv WHERE kv.run_id = r.id AND kv.key = $3 AND kv.value IN ($4, $5))) AND r.status = $6)',
      params: ['imgsz', '416', 'best', 'yes', 'y', 'FINISHED'],
    });
  });

  it('makes LIKE case-sensitive on both databases and ILIKE case-insensitive', () => {
    expect(where("attributes.name LIKE 'yolo_%'", 'sqlite')).toEqual({ sql: 'r.name GLOB ?', params: ['yolo?*'] });
    expect(where("attributes.name LIKE 'yolo_%'", 'postgres')).toEqual({ sql: 'r.name LIKE $1', params: ['yolo_%'] });
    expect(where("attributes.name ILIKE 'YOLO%'", 'sqlite')).toEqual({ sql: "r.name LIKE ? ESCAPE '\\'", params: ['YOLO%'] });
    expect(where("attributes.name ILIKE 'YOLO%'", 'postgres')).toEqual({ sql: 'r.name ILIKE $1', params: ['YOLO%'] });
  });

  it('compares run ids as text on PostgreSQL (uuid column)', () => {
    expect(where("attributes.run_id LIKE 'ab12%'", 'postgres').sql).toBe('CAST(r.id AS text) LIKE $1');
    expect(where("attributes.run_id = 'x'", 'sqlite').sql).toBe('r.id = ?');
  });
});

describe('compileSearch', () => {
  const metricOrdered = () =>
    compileSearch(
      { experimentIds: ['e1'], filter: parseFilter('metrics.map50 > 0.3'), orderBy: parseOrderBy(['max(metrics.`metrics/mAP50(B)`) DESC', 'params.lr0']) },
      { dialect: 'postgres', metricKey: alias },
    );

  /** The key of a page that ended on a run with max(map50) = 0.5, lr0 = '0.01', started at 1000. */
  const after = {
    terms: [
      { rank: 0, value: 0.5 },
      { rank: 0, value: '0.01' },
    ],
    startTime: 1000,
    id: 'id1',
  };

  it('reads a metric order from a window of the summary index starting at the key, probing each run', () => {
    const [values] = metricOrdered();
    expect(values.direction).toBe('DESC');
    const w = values.windowed!(10, 2000, after);
    expect(w.sql).toBe(
      'SELECT r.id AS id, s0.max_value AS v, CASE WHEN o1.value IS NULL THEN 1 ELSE 0 END AS k1r, o1.value AS k1v, r.start_time AS st ' +
        'FROM (SELECT run_id, max_value FROM metric_summaries WHERE key = $1 AND max_value IS NOT NULL AND max_value <= $2 ORDER BY max_value DESC LIMIT $3) s0 ' +
        'CROSS JOIN runs r LEFT JOIN run_params o1 ON o1.run_id = r.id AND o1.key = $4 ' +
        "WHERE r.id = s0.run_id AND r.experiment_id IN ($5) AND r.lifecycle = 'active' " +
        'AND EXISTS (SELECT 1 FROM metric_summaries ms WHERE ms.run_id = r.id AND ms.key = $6 AND ms.last_value > $7) ' +
        'AND (s0.max_value <= $8 AND (s0.max_value < $9 OR (s0.max_value = $10 AND (CASE WHEN o1.value IS NULL THEN 1 ELSE 0 END > 0 OR ' +
        '(CASE WHEN o1.value IS NULL THEN 1 ELSE 0 END = 0 AND (o1.value > $11 OR (o1.value = $12 AND (r.start_time < $13 OR (r.start_time = $14 AND r.id > $15))))))))) ' +
        'ORDER BY v DESC, k1r ASC, k1v ASC, st DESC, r.id ASC LIMIT $16',
    );
    expect(w.params).toEqual(['map50', 0.5, 2000, 'lr0', 'e1', 'map50', 0.3, 0.5, 0.5, 0.5, '0.01', '0.01', 1000, 1000, 'id1', 10]);
    expect(values.boundary!(2000)).toEqual({
      sql: 'SELECT max_value AS v FROM metric_summaries WHERE key = $1 AND max_value IS NOT NULL ORDER BY max_value DESC LIMIT 1 OFFSET $2',
      params: ['map50', 1999],
    });
    expect(values.boundary!(2000, after).params).toEqual(['map50', 0.5, 1999]);
  });

  it('falls back to a filter-driven query that reads each term once (set form)', () => {
    const [values] = metricOrdered();
    expect(values.exact(10)).toEqual({
      sql:
        'SELECT r.id AS id, s0.max_value AS v, CASE WHEN o1.value IS NULL THEN 1 ELSE 0 END AS k1r, o1.value AS k1v, r.start_time AS st ' +
        'FROM runs r JOIN metric_summaries s0 ON s0.run_id = r.id AND s0.key = $1 LEFT JOIN run_params o1 ON o1.run_id = r.id AND o1.key = $2 ' +
        "WHERE s0.max_value IS NOT NULL AND r.experiment_id IN ($3) AND r.lifecycle = 'active' " +
        'AND r.id IN (SELECT ms.run_id FROM metric_summaries ms WHERE ms.key = $4 AND ms.last_value > $5) ' +
        'ORDER BY v DESC, k1r ASC, k1v ASC, st DESC, r.id ASC LIMIT $6',
      params: ['map50', 'lr0', 'e1', 'map50', 0.3, 10],
    });
  });

  it('puts NaN, then runs without the metric, after the values (in both directions); a key in NaN compares the next terms only', () => {
    const [, nan, missing] = metricOrdered();
    expect(nan.windowed).toBeUndefined();
    expect(nan.exact(5).sql).toContain('WHERE s0.max_value IS NULL AND');
    expect(nan.exact(5).sql).toContain('ORDER BY k1r ASC, k1v ASC, st DESC, r.id ASC');
    const inNan = nan.exact(5, {
      ...after,
      terms: [
        { rank: 1, value: null },
        { rank: 1, value: null },
      ],
    });
    expect(inNan.sql).toContain('AND (((CASE WHEN o1.value IS NULL THEN 1 ELSE 0 END = 1 AND (r.start_time < $6 OR (r.start_time = $7 AND r.id > $8))))) ORDER BY');
    expect(inNan.params).toEqual(['map50', 'lr0', 'e1', 'map50', 0.3, 1000, 1000, 'id1', 5]);
    const m = missing.exact(5);
    expect(m.sql).toContain('NOT EXISTS (SELECT 1 FROM metric_summaries s0 WHERE s0.run_id = r.id AND s0.key = $3) AND r.id IN (SELECT ms.run_id FROM metric_summaries ms');
    expect(m.params).toEqual(['lr0', 'e1', 'map50', 'map50', 0.3, 5]);
  });

  it('sorts by an attribute in one segment, ranking NULL last only where the column may be NULL; the key bounds the first column', () => {
    const [only, ...none] = compileSearch({ experimentIds: ['e1'], filter: undefined, orderBy: parseOrderBy(['attributes.start_time DESC', 'attributes.end_time']) }, { dialect: 'sqlite' });
    expect(none).toEqual([]);
    expect(
      only.exact(20, {
        terms: [
          { rank: 0, value: 5 },
          { rank: 1, value: null },
        ],
        startTime: 5,
        id: 'x',
      }),
    ).toEqual({
      sql:
        'SELECT r.id AS id, r.start_time AS k0v, CASE WHEN r.end_time IS NULL THEN 1 ELSE 0 END AS k1r, r.end_time AS k1v, r.start_time AS st ' +
        "FROM runs r WHERE r.experiment_id IN (?) AND r.lifecycle = 'active' " +
        'AND (r.start_time <= ? AND (r.start_time < ? OR (r.start_time = ? AND ((CASE WHEN r.end_time IS NULL THEN 1 ELSE 0 END = 1 AND (r.start_time < ? OR (r.start_time = ? AND r.id > ?))))))) ' +
        'ORDER BY k0v DESC, k1r ASC, k1v ASC, st DESC, r.id ASC LIMIT ?',
      params: ['e1', 5, 5, 5, 5, 5, 'x', 20],
    });
  });

  it('counts without joins or paging', () => {
    const sqlite = compileCount({ experimentIds: ['e1', 'e2'], filter: undefined }, { dialect: 'sqlite' });
    expect(sqlite).toEqual({ sql: "SELECT count(*) AS n FROM runs r WHERE r.experiment_id IN (?, ?) AND r.lifecycle = 'active'", params: ['e1', 'e2'] });
  });
});

describe('like patterns', () => {
  it('escape the other syntax so a literal stays literal', () => {
    expect(toGlobPattern('a*b?c[d]%_')).toBe('a[*]b[?]c[[]d]*?');
    expect(toGlobPattern('100\\%')).toBe('100%');
    expect(toLikePattern('100\\%')).toBe('100\\%');
    expect(toLikePattern('a\\')).toBe('a\\\\');
  });
});
