// Compiles a parsed filter and order-by into parameterised SQL per dialect, against `runs r` with correlated lookups
// into metric_summaries / run_params / run_tags (primary-key probes). When the first order term is a metric, the page
// is read by walking that metric's summary index in order (stopping after one page) instead of sorting every run:
// the result is split into segments (runs with a value, runs whose value is NaN, runs without the metric), each in
// its own query, so NaN and missing values sort last in both directions without defeating the index.
import type { Dialect } from '../../database/data-source';
import type { Attribute, Comparison, FilterNode, FilterValue, MetricAggregation, OrderTerm, Target } from './filter-ast';
import { toGlobPattern, toLikePattern } from './like-pattern';

export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

export interface CompileOptions {
  dialect: Dialect;
  /**
   * How a metric/param/tag term reads its table: `probe` = correlated EXISTS (a primary-key lookup per run, best
   * when few runs are examined), `set` = uncorrelated `r.id IN (SELECT …)` (computed once, best when the filter is
   * selective and drives the query). Default probe.
   */
  form?: 'probe' | 'set';
  /** Maps a metric key as written to the stored canonical key (`metrics/mAP50(B)` → `map50`). */
  metricKey?: (key: string) => string;
}

/** Which runs a search sees by lifecycle: active ones (default), deleted ones (MLflow's DELETED_ONLY) or both. */
export type RunLifecycleView = 'active' | 'deleted' | 'all';

export interface SearchQuery {
  experimentIds: readonly string[];
  filter?: FilterNode;
  orderBy: readonly OrderTerm[];
  lifecycle?: RunLifecycleView;
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

function lookup(table: string, condition: string, alias: string, opts: CompileOptions): string {
  return opts.form === 'set' ? `r.id IN (SELECT ${alias}.run_id FROM ${table} ${alias} WHERE ${condition})` : `EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${alias}.run_id = r.id AND ${condition})`;
}

function comparison(c: Comparison, p: SqlParams, opts: CompileOptions): string {
  const t = c.target;
  switch (t.kind) {
    case 'metric': {
      // NaN is stored as NULL in the value columns, so it never satisfies a comparison.
      const key = p.add(opts.metricKey ? opts.metricKey(t.key) : t.key);
      const op = c.operator === '!=' ? '<>' : c.operator;
      return lookup('metric_summaries', `ms.key = ${key} AND ms.${AGGREGATE_COLUMN[t.aggregation]} ${op} ${p.add(scalar(c.value))}`, 'ms', opts);
    }
    case 'param':
    case 'tag': {
      const table = t.kind === 'param' ? 'run_params' : 'run_tags';
      const key = p.add(t.key);
      return lookup(table, `kv.key = ${key} AND ${stringPredicate('kv.value', c, p, opts.dialect)}`, 'kv', opts);
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

const NOT_NULL_ATTRIBUTES = new Set<Attribute>(['status', 'name', 'start_time', 'run_id', 'kind']);

/** ORDER BY items (and the joins they need) for terms after the one a segment is driven by. */
function orderItems(terms: readonly OrderTerm[], firstAlias: number, p: SqlParams, opts: CompileOptions): { joins: string[]; items: string[] } {
  const joins: string[] = [];
  const items: string[] = [];
  terms.forEach((term, i) => {
    const t: Target = term.target;
    const alias = `o${firstAlias + i}`;
    if (t.kind === 'metric') {
      const key = p.add(opts.metricKey ? opts.metricKey(t.key) : t.key);
      joins.push(`LEFT JOIN metric_summaries ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ${key}`);
      const col = `${alias}.${AGGREGATE_COLUMN[t.aggregation]}`;
      // Rank first: 0 = a value, 1 = NaN (stored as NULL), 2 = the run lacks the metric; in both directions.
      items.push(`CASE WHEN ${alias}.run_id IS NULL THEN 2 WHEN ${col} IS NULL THEN 1 ELSE 0 END ASC`, `${col} ${term.direction}`);
    } else if (t.kind === 'param' || t.kind === 'tag') {
      const key = p.add(t.key);
      joins.push(`LEFT JOIN ${t.kind === 'param' ? 'run_params' : 'run_tags'} ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ${key}`);
      items.push(`CASE WHEN ${alias}.value IS NULL THEN 1 ELSE 0 END ASC`, `${alias}.value ${term.direction}`);
    } else {
      const col = t.name === 'run_id' ? 'r.id' : attributeColumn(t.name, opts.dialect);
      // A bare column lets the database walk an index (runs by experiment and start_time) instead of sorting.
      if (!NOT_NULL_ATTRIBUTES.has(t.name)) items.push(`CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END ASC`);
      items.push(`${col} ${term.direction}`);
    }
  });
  // MLflow's tie-breakers; the id makes the order total, so pages neither repeat nor skip a run.
  items.push('r.start_time DESC', 'r.id ASC');
  return { joins, items };
}

function baseWhere(q: Pick<SearchQuery, 'experimentIds' | 'lifecycle'>, p: SqlParams): string {
  const experiments = `r.experiment_id IN (${q.experimentIds.map((id) => p.add(id)).join(', ')})`;
  const lifecycle = q.lifecycle ?? 'active';
  return lifecycle === 'all' ? experiments : `${experiments} AND r.lifecycle = '${lifecycle === 'deleted' ? 'deleted' : 'active'}'`;
}

type Page = (limit: number, offset: number) => CompiledQuery;

/**
 * One segment of the result, in order. `exact` reads a slice of it. A segment driven by a metric's summary index
 * also has `windowed`: the same slice, computed only among the `window` best index entries (bounded work however
 * selective the filter is), returning each run's value as `v`; `boundary(window)` gives the value of the last entry
 * of the window. The windowed slice is the exact one when it is full and its last value lies strictly beyond the
 * boundary (or the window holds the whole index); otherwise the caller falls back to `exact`.
 */
export interface SearchSegment {
  exact: Page;
  windowed?: (limit: number, offset: number, window: number) => CompiledQuery;
  boundary?: (window: number) => CompiledQuery;
  direction?: 'ASC' | 'DESC';
}

function paged(build: (p: SqlParams) => string, opts: CompileOptions): Page {
  return (limit, offset) => {
    const p = new SqlParams(opts.dialect);
    const sql = build(p);
    return { sql: `${sql} LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`, params: p.values };
  };
}

function runsSegment(q: SearchQuery, terms: readonly OrderTerm[], firstAlias: number, extra: (p: SqlParams) => string[], opts: CompileOptions): Page {
  return paged((p) => {
    const order = orderItems(terms, firstAlias, p, opts);
    const where = [baseWhere(q, p), ...extra(p), ...(q.filter ? [compileFilter(q.filter, p, opts)] : [])];
    return ['SELECT r.id AS id FROM runs r', ...order.joins, `WHERE ${where.join(' AND ')}`, `ORDER BY ${order.items.join(', ')}`].join(' ');
  }, opts);
}

/**
 * The segments of a search, in order. Placeholders are added in the order they appear in the text (PostgreSQL
 * numbers them, SQLite counts them).
 */
export function compileSearch(q: SearchQuery, opts: CompileOptions): SearchSegment[] {
  const [first, ...rest] = q.orderBy;
  // Filter-driven plans read the filter's matches once (set form); index-driven ones probe run by run.
  const setOpts: CompileOptions = { ...opts, form: 'set' };
  const probeOpts: CompileOptions = { ...opts, form: 'probe' };
  if (!first || first.target.kind !== 'metric') {
    return [{ exact: runsSegment(q, q.orderBy, 0, () => [], probeOpts) }];
  }
  const metric = first.target;
  const key = opts.metricKey ? opts.metricKey(metric.key) : metric.key;
  const column = AGGREGATE_COLUMN[metric.aggregation];
  const col = `s0.${column}`;
  const values: SearchSegment = {
    direction: first.direction,
    // CROSS JOIN keeps SQLite from reordering: the window of summary entries drives, runs are probed.
    windowed: (limit, offset, window) => {
      const p = new SqlParams(opts.dialect);
      const inner = `(SELECT run_id, ${column} FROM metric_summaries WHERE key = ${p.add(key)} AND ${column} IS NOT NULL ORDER BY ${column} ${first.direction} LIMIT ${p.add(window)}) s0`;
      const order = orderItems(rest, 1, p, probeOpts);
      const where = ['r.id = s0.run_id', baseWhere(q, p), ...(q.filter ? [compileFilter(q.filter, p, probeOpts)] : [])];
      const sql = [
        `SELECT r.id AS id, ${col} AS v FROM ${inner} CROSS JOIN runs r`,
        ...order.joins,
        `WHERE ${where.join(' AND ')}`,
        `ORDER BY ${[`${col} ${first.direction}`, ...order.items].join(', ')}`,
      ].join(' ');
      return { sql: `${sql} LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`, params: p.values };
    },
    boundary: (window) => {
      const p = new SqlParams(opts.dialect);
      const sql = `SELECT ${column} AS v FROM metric_summaries WHERE key = ${p.add(key)} AND ${column} IS NOT NULL ORDER BY ${column} ${first.direction} LIMIT 1 OFFSET ${p.add(window - 1)}`;
      return { sql, params: p.values };
    },
    exact: paged((p) => {
      const keyParam = p.add(key);
      const order = orderItems(rest, 1, p, setOpts);
      const where = [`${col} IS NOT NULL`, baseWhere(q, p), ...(q.filter ? [compileFilter(q.filter, p, setOpts)] : [])];
      return [
        `SELECT r.id AS id FROM runs r JOIN metric_summaries s0 ON s0.run_id = r.id AND s0.key = ${keyParam}`,
        ...order.joins,
        `WHERE ${where.join(' AND ')}`,
        `ORDER BY ${[`${col} ${first.direction}`, ...order.items].join(', ')}`,
      ].join(' ');
    }, opts),
  };
  const nan: SearchSegment = {
    exact: paged((p) => {
      const keyParam = p.add(key);
      const order = orderItems(rest, 1, p, probeOpts);
      const where = [`${col} IS NULL`, baseWhere(q, p), ...(q.filter ? [compileFilter(q.filter, p, probeOpts)] : [])];
      return [
        `SELECT r.id AS id FROM runs r JOIN metric_summaries s0 ON s0.run_id = r.id AND s0.key = ${keyParam}`,
        ...order.joins,
        `WHERE ${where.join(' AND ')}`,
        `ORDER BY ${order.items.join(', ')}`,
      ].join(' ');
    }, opts),
  };
  const missing: SearchSegment = {
    // Every run of the experiments is a candidate here, so the filter is read once (set form), not probed per run.
    exact: runsSegment(q, rest, 1, (p) => [`NOT EXISTS (SELECT 1 FROM metric_summaries s0 WHERE s0.run_id = r.id AND s0.key = ${p.add(key)})`], setOpts),
  };
  return [values, nan, missing];
}

/** How many runs match (the connection's totalCount). */
export function compileCount(q: Pick<SearchQuery, 'experimentIds' | 'filter' | 'lifecycle'>, opts: CompileOptions): CompiledQuery {
  const p = new SqlParams(opts.dialect);
  // Every match is visited, so each filter term is read once (set form) rather than probed per run.
  const where = [baseWhere(q, p), ...(q.filter ? [compileFilter(q.filter, p, { ...opts, form: 'set' })] : [])];
  return { sql: `SELECT count(*) AS n FROM runs r WHERE ${where.join(' AND ')}`, params: p.values };
}
