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
  it('turns a metric term into an indexed lookup on the summaries, with the canonical key', () => {
    expect(where('max(metrics.`metrics/mAP50(B)`) > 0.3', 'postgres')).toEqual({
      sql: 'r.id IN (SELECT ms.run_id FROM metric_summaries ms WHERE ms.key = $1 AND ms.max_value > $2)',
      params: ['map50', 0.3],
    });
    expect(where('metrics.loss != 1', 'sqlite')).toEqual({
      sql: 'r.id IN (SELECT ms.run_id FROM metric_summaries ms WHERE ms.key = ? AND ms.last_value <> ?)',
      params: ['loss', 1],
    });
  });

  it('keeps OR and parentheses, numbering PostgreSQL placeholders in order', () => {
    expect(where("(params.imgsz = '416' OR tags.best IN ('yes', 'y')) AND attributes.status = 'FINISHED'", 'postgres')).toEqual({
      sql:
        '((r.id IN (SELECT kv.run_id FROM run_params kv WHERE kv.key = $1 AND kv.value = $2) OR ' +
        'r.id IN (SELECT kv.run_id FROM run_tags kv WHERE kv.key = $3 AND kv.value IN ($4, $5))) AND r.status = $6)',
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
  it('orders by rank (value, NaN, missing) then value, then MLflow tie-breakers, and pages', () => {
    const q = compileSearch(
      { experimentIds: ['e1'], filter: parseFilter('metrics.map50 > 0.3'), orderBy: parseOrderBy(['max(metrics.map50) DESC', 'params.lr0']), limit: 10, offset: 20 },
      { dialect: 'postgres', metricKey: alias },
    );
    expect(q.sql).toBe(
      'SELECT r.id AS id FROM runs r ' +
        'LEFT JOIN metric_summaries o0 ON o0.run_id = r.id AND o0.key = $1 ' +
        'LEFT JOIN run_params o1 ON o1.run_id = r.id AND o1.key = $2 ' +
        "WHERE r.experiment_id IN ($3) AND r.lifecycle = 'active' AND r.id IN (SELECT ms.run_id FROM metric_summaries ms WHERE ms.key = $4 AND ms.last_value > $5) " +
        'ORDER BY CASE WHEN o0.run_id IS NULL THEN 2 WHEN o0.max_value IS NULL THEN 1 ELSE 0 END ASC, o0.max_value DESC, ' +
        'CASE WHEN o1.value IS NULL THEN 1 ELSE 0 END ASC, o1.value ASC, r.start_time DESC, r.id ASC LIMIT $6 OFFSET $7',
    );
    expect(q.params).toEqual(['map50', 'lr0', 'e1', 'map50', 0.3, 10, 20]);
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
