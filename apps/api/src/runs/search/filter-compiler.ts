// Compiles a parsed filter and order-by into one parameterised SQL query per dialect, against `runs r` and
// uncorrelated lookups into metric_summaries / run_params / run_tags (each computed once, then probed by run id).
import type { Dialect } from '../../database/data-source';
import type { Attribute, Comparison, FilterNode, FilterValue, MetricAggregation, OrderTerm, Target } from './filter-ast';
import { toGlobPattern, toLikePattern } from './like-pattern';

export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

export interface CompileOptions {
  dialect: Dialect;
  /** Maps a metric key as written to the stored canonical key (`metrics/mAP50(B)` → `map50`). */
  metricKey?: (key: string) => string;
}

export interface SearchQuery {
  experimentIds: readonly string[];
  filter?: FilterNode;
  orderBy: readonly OrderTerm[];
  limit: number;
  offset: number;
}

/** Collects bound values and hands out the dialect's placeholder for each. */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: Dialect) {}

  add(value: unknown): string {
    this.values.push(value);
    return this.dialect === 'postgres' ? `$${this.values.length}` : '?';
  }
}

const AGGREGATE_COLUMN: Record<MetricAggregation, string> = { last: 'last_value', min: 'min_value', max: 'max_value' };

function attributeColumn(name: Attribute, dialect: Dialect): string {
  switch (name) {
    case 'run_id':
      // ids are uuid on PostgreSQL: compare as text so a malformed id or a prefix pattern is a non-match, not an error.
      return dialect === 'postgres' ? 'CAST(r.id AS text)' : 'r.id';
    case 'name':
      return 'r.name';
    default:
      return `r.${name}`;
  }
}

function stringPredicate(column: string, c: Comparison, p: SqlParams, dialect: Dialect): string {
  const v = c.value;
  if (v.type === 'list') {
    const list = v.values.map((x) => p.add(x)).join(', ');
    return `${column} ${c.operator === 'NOT IN' ? 'NOT IN' : 'IN'} (${list})`;
  }
  const s = scalar(v);
  switch (c.operator) {
    case '=':
      return `${column} = ${p.add(s)}`;
    case '!=':
      return `${column} <> ${p.add(s)}`;
    case 'LIKE':
      return dialect === 'postgres' ? `${column} LIKE ${p.add(toLikePattern(String(s)))}` : `${column} GLOB ${p.add(toGlobPattern(String(s)))}`;
    case 'ILIKE':
      return dialect === 'postgres' ? `${column} ILIKE ${p.add(toLikePattern(String(s)))}` : `${column} LIKE ${p.add(toLikePattern(String(s)))} ESCAPE '\\'`;
    default:
      return `${column} ${c.operator} ${p.add(s)}`;
  }
}

function scalar(v: FilterValue): string | number {
  if (v.type === 'list') throw new Error('a list where a single value was expected');
  return v.value;
}

function comparison(c: Comparison, p: SqlParams, opts: CompileOptions): string {
  const t = c.target;
  switch (t.kind) {
    case 'metric': {
      // NaN is stored as NULL in the value columns, so it never satisfies a comparison.
      const key = p.add(opts.metricKey ? opts.metricKey(t.key) : t.key);
      const op = c.operator === '!=' ? '<>' : c.operator;
      return `r.id IN (SELECT ms.run_id FROM metric_summaries ms WHERE ms.key = ${key} AND ms.${AGGREGATE_COLUMN[t.aggregation]} ${op} ${p.add(scalar(c.value))})`;
    }
    case 'param':
    case 'tag': {
      const table = t.kind === 'param' ? 'run_params' : 'run_tags';
      const key = p.add(t.key);
      return `r.id IN (SELECT kv.run_id FROM ${table} kv WHERE kv.key = ${key} AND ${stringPredicate('kv.value', c, p, opts.dialect)})`;
    }
    case 'attribute':
      return stringPredicate(attributeColumn(t.name, opts.dialect), c, p, opts.dialect);
  }
}

/** The filter as a boolean SQL expression over `runs r`. */
export function compileFilter(node: FilterNode, p: SqlParams, opts: CompileOptions): string {
  if (node.type === 'comparison') return comparison(node, p, opts);
  const joiner = node.type === 'and' ? ' AND ' : ' OR ';
  return `(${node.children.map((c) => compileFilter(c, p, opts)).join(joiner)})`;
}

interface CompiledOrder {
  joins: string[];
  orderBy: string[];
}

/**
 * ORDER BY for the terms: each term sorts by a rank first (0 = a value, 1 = NaN, 2 = the run lacks the metric),
 * so NaN comes after every number and runs without the metric after NaN, in both directions; then by the value.
 * MLflow's tie-breakers follow: start_time DESC, then id (which makes pages stable).
 */
function compileOrder(terms: readonly OrderTerm[], p: SqlParams, opts: CompileOptions): CompiledOrder {
  const joins: string[] = [];
  const orderBy: string[] = [];
  terms.forEach((term, i) => {
    const t: Target = term.target;
    const alias = `o${i}`;
    if (t.kind === 'metric') {
      const key = p.add(opts.metricKey ? opts.metricKey(t.key) : t.key);
      joins.push(`LEFT JOIN metric_summaries ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ${key}`);
      const col = `${alias}.${AGGREGATE_COLUMN[t.aggregation]}`;
      orderBy.push(`CASE WHEN ${alias}.run_id IS NULL THEN 2 WHEN ${col} IS NULL THEN 1 ELSE 0 END ASC`, `${col} ${term.direction}`);
    } else if (t.kind === 'param' || t.kind === 'tag') {
      const key = p.add(t.key);
      joins.push(`LEFT JOIN ${t.kind === 'param' ? 'run_params' : 'run_tags'} ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ${key}`);
      orderBy.push(`CASE WHEN ${alias}.value IS NULL THEN 1 ELSE 0 END ASC`, `${alias}.value ${term.direction}`);
    } else {
      const col = t.name === 'run_id' ? 'r.id' : attributeColumn(t.name, opts.dialect);
      orderBy.push(`CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END ASC`, `${col} ${term.direction}`);
    }
  });
  orderBy.push('r.start_time DESC', 'r.id ASC');
  return { joins, orderBy };
}

function whereClause(q: Pick<SearchQuery, 'experimentIds' | 'filter'>, p: SqlParams, opts: CompileOptions): string {
  const experiments = q.experimentIds.map((id) => p.add(id)).join(', ');
  const parts = [`r.experiment_id IN (${experiments})`, `r.lifecycle = 'active'`];
  if (q.filter) parts.push(compileFilter(q.filter, p, opts));
  return parts.join(' AND ');
}

/** The page of run ids, in order. */
export function compileSearch(q: SearchQuery, opts: CompileOptions): CompiledQuery {
  const p = new SqlParams(opts.dialect);
  // Join placeholders come first in the text, so they are bound first (PostgreSQL numbers them; SQLite counts them).
  const order = compileOrder(q.orderBy, p, opts);
  const where = whereClause(q, p, opts);
  const sql = [
    'SELECT r.id AS id FROM runs r',
    ...order.joins,
    `WHERE ${where}`,
    `ORDER BY ${order.orderBy.join(', ')}`,
    `LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`,
  ].join(' ');
  return { sql, params: p.values };
}

/** How many runs match (the connection's totalCount). */
export function compileCount(q: Pick<SearchQuery, 'experimentIds' | 'filter'>, opts: CompileOptions): CompiledQuery {
  const p = new SqlParams(opts.dialect);
  const where = whereClause(q, p, opts);
  return { sql: `SELECT count(*) AS n FROM runs r WHERE ${where}`, params: p.values };
}
