// Compiles a parsed filter and order-by into parameterised SQL per dialect, against `runs r` with correlated lookups
// into metric_summaries / run_params / run_tags (primary-key probes). When the first order term is a metric, the page
// is read by walking that metric's summary index in order (stopping after one page) instead of sorting every run:
// the result is split into segments (runs with a value, runs whose value is NaN, runs without the metric), each in
// its own query, so NaN and missing values sort last in both directions without defeating the index.
import type { Dialect } from '../../database/data-source';
import type { Attribute, Comparison, FilterNode, FilterValue, MetricAggregation, OrderTerm, Target } from './filter-ast';
import { toGlobPattern, toLikePattern } from './like-pattern';
import { afterKey, NOT_NULL_ATTRIBUTES, type OrderColumn, orderByItems, type RowKey, TIE_BREAKERS, type TermKey } from './search-keyset';

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

/** The order columns (and the joins they need) of terms numbered from `firstAlias`, and the select items that read each
 * run's sort values for its keyset (`k<i>r` its rank, `k<i>v` its value, i the term's index in the order). */
function orderColumns(terms: readonly OrderTerm[], firstAlias: number, p: SqlParams, opts: CompileOptions): { joins: string[]; columns: OrderColumn[]; select: string[] } {
  const joins: string[] = [];
  const columns: OrderColumn[] = [];
  terms.forEach((term, i) => {
    const t: Target = term.target;
    const alias = `o${firstAlias + i}`;
    if (t.kind === 'metric') {
      const key = p.add(opts.metricKey ? opts.metricKey(t.key) : t.key);
      joins.push(`LEFT JOIN metric_summaries ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ${key}`);
      const col = `${alias}.${AGGREGATE_COLUMN[t.aggregation]}`;
      // 0 = a value, 1 = NaN (stored as NULL), 2 = the run lacks the metric; in both directions.
      columns.push({ rank: `CASE WHEN ${alias}.run_id IS NULL THEN 2 WHEN ${col} IS NULL THEN 1 ELSE 0 END`, maxRank: 2, value: col, direction: term.direction });
    } else if (t.kind === 'param' || t.kind === 'tag') {
      const key = p.add(t.key);
      joins.push(`LEFT JOIN ${t.kind === 'param' ? 'run_params' : 'run_tags'} ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ${key}`);
      columns.push({ rank: `CASE WHEN ${alias}.value IS NULL THEN 1 ELSE 0 END`, maxRank: 1, value: `${alias}.value`, direction: term.direction });
    } else {
      const col = t.name === 'run_id' ? 'r.id' : attributeColumn(t.name, opts.dialect);
      // A bare column lets the database walk an index (runs by experiment and start_time) instead of sorting.
      const rank = NOT_NULL_ATTRIBUTES.has(t.name) ? {} : { rank: `CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END`, maxRank: 1 };
      columns.push({ ...rank, value: col, direction: term.direction });
    }
  });
  const named = columns.map((c, i): OrderColumn => ({ ...c, as: { ...(c.rank ? { rank: `k${firstAlias + i}r` } : {}), value: `k${firstAlias + i}v` } }));
  const select = named.flatMap((c) => [...(c.rank ? [`${c.rank} AS ${c.as!.rank}`] : []), `${c.value} AS ${c.as!.value}`]);
  // MLflow's tie-breakers; the id makes the order total, so pages neither repeat nor skip a run.
  return { joins, columns: [...named, ...TIE_BREAKERS], select: [...select, 'r.start_time AS st'] };
}

function baseWhere(q: Pick<SearchQuery, 'experimentIds' | 'lifecycle'>, p: SqlParams): string {
  const experiments = `r.experiment_id IN (${q.experimentIds.map((id) => p.add(id)).join(', ')})`;
  const lifecycle = q.lifecycle ?? 'active';
  return lifecycle === 'all' ? experiments : `${experiments} AND r.lifecycle = '${lifecycle === 'deleted' ? 'deleted' : 'active'}'`;
}

/** A slice of a segment: up to `limit` runs after `after` (from the segment's start when absent). */
type Page = (limit: number, after?: RowKey) => CompiledQuery;

/**
 * One segment of the result, in order: the runs whose first order term has rank `rank` (a metric's values, NaN,
 * missing; a single segment of rank 0 for other orders). `exact` reads a slice of it, each row with its sort values
 * (`id`, `st`, `v` the first term's value in a metric segment, `k<i>r`/`k<i>v` the others'). A segment driven by a
 * metric's summary index also has `windowed`: the same slice, computed only among the `window` best index entries
 * from the key on (bounded work however selective the filter and however deep the page); `boundary(window)` gives
 * the value of the last entry of that window. The windowed slice is the exact one when it is full and its last value
 * lies strictly beyond the boundary (or the window holds the rest of the index); otherwise the caller uses `exact`.
 */
export interface SearchSegment {
  rank: number;
  exact: Page;
  windowed?: (limit: number, window: number, after?: RowKey) => CompiledQuery;
  boundary?: (window: number, after?: RowKey) => CompiledQuery;
  direction?: 'ASC' | 'DESC';
}

function withLimit(sql: string, p: SqlParams, limit: number): CompiledQuery {
  return { sql: `${sql} LIMIT ${p.add(limit)}`, params: p.values };
}

/** The keyset condition of a segment over its columns: the terms from `firstTerm` on (the segment fixes those before). */
function keysetWhere(columns: OrderColumn[], after: RowKey | undefined, p: SqlParams, firstTerm: number): string[] {
  if (!after) return [];
  const terms = after.terms.slice(firstTerm);
  const keys: TermKey[] = [...terms, { rank: 0, value: after.startTime }, { rank: 0, value: after.id }];
  return [afterKey(columns, keys, (v) => p.add(v))];
}

/** A segment read from `runs`, ordered by `terms` (numbered from `firstAlias`: the segment fixes the terms before). */
function runsSegment(q: SearchQuery, terms: readonly OrderTerm[], firstAlias: number, extra: (p: SqlParams) => string[], opts: CompileOptions): Page {
  return (limit, after) => {
    const p = new SqlParams(opts.dialect);
    const order = orderColumns(terms, firstAlias, p, opts);
    const where = [baseWhere(q, p), ...extra(p), ...(q.filter ? [compileFilter(q.filter, p, opts)] : []), ...keysetWhere(order.columns, after, p, firstAlias)];
    const sql = [`SELECT r.id AS id, ${order.select.join(', ')} FROM runs r`, ...order.joins, `WHERE ${where.join(' AND ')}`, `ORDER BY ${orderByItems(order.columns).join(', ')}`].join(' ');
    return withLimit(sql, p, limit);
  };
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
    return [{ rank: 0, exact: runsSegment(q, q.orderBy, 0, () => [], probeOpts) }];
  }
  const metric = first.target;
  const key = opts.metricKey ? opts.metricKey(metric.key) : metric.key;
  const column = AGGREGATE_COLUMN[metric.aggregation];
  const col = `s0.${column}`;
  const dir = first.direction;
  // In the values segment the first column is the bare summary value (its rank is 0 there), served by its index.
  const valueColumns = (columns: OrderColumn[]): OrderColumn[] => [{ value: col, direction: dir, as: { value: 'v' } }, ...columns];
  const valuesKeyset = (columns: OrderColumn[], after: RowKey | undefined, p: SqlParams): string[] => keysetWhere(valueColumns(columns), after, p, 0);
  // The window starts at the key's value (inclusive: runs tied with it may follow it).
  const from = (after: RowKey | undefined, p: SqlParams) => (after ? ` AND ${column} ${dir === 'ASC' ? '>=' : '<='} ${p.add(after.terms[0].value)}` : '');
  const values: SearchSegment = {
    rank: 0,
    direction: dir,
    // CROSS JOIN keeps SQLite from reordering: the window of summary entries drives, runs are probed.
    windowed: (limit, window, after) => {
      const p = new SqlParams(opts.dialect);
      const inner = `(SELECT run_id, ${column} FROM metric_summaries WHERE key = ${p.add(key)} AND ${column} IS NOT NULL${from(after, p)} ORDER BY ${column} ${dir} LIMIT ${p.add(window)}) s0`;
      const order = orderColumns(rest, 1, p, probeOpts);
      const where = ['r.id = s0.run_id', baseWhere(q, p), ...(q.filter ? [compileFilter(q.filter, p, probeOpts)] : []), ...valuesKeyset(order.columns, after, p)];
      const sql = [
        `SELECT r.id AS id, ${col} AS v, ${order.select.join(', ')} FROM ${inner} CROSS JOIN runs r`,
        ...order.joins,
        `WHERE ${where.join(' AND ')}`,
        `ORDER BY ${orderByItems(valueColumns(order.columns)).join(', ')}`,
      ].join(' ');
      return withLimit(sql, p, limit);
    },
    boundary: (window, after) => {
      const p = new SqlParams(opts.dialect);
      const sql = `SELECT ${column} AS v FROM metric_summaries WHERE key = ${p.add(key)} AND ${column} IS NOT NULL${from(after, p)} ORDER BY ${column} ${dir} LIMIT 1 OFFSET ${p.add(window - 1)}`;
      return { sql, params: p.values };
    },
    exact: (limit, after) => {
      const p = new SqlParams(opts.dialect);
      const keyParam = p.add(key);
      const order = orderColumns(rest, 1, p, setOpts);
      const where = [`${col} IS NOT NULL`, baseWhere(q, p), ...(q.filter ? [compileFilter(q.filter, p, setOpts)] : []), ...valuesKeyset(order.columns, after, p)];
      const sql = [
        `SELECT r.id AS id, ${col} AS v, ${order.select.join(', ')} FROM runs r JOIN metric_summaries s0 ON s0.run_id = r.id AND s0.key = ${keyParam}`,
        ...order.joins,
        `WHERE ${where.join(' AND ')}`,
        `ORDER BY ${orderByItems(valueColumns(order.columns)).join(', ')}`,
      ].join(' ');
      return withLimit(sql, p, limit);
    },
  };
  const nan: SearchSegment = {
    rank: 1,
    exact: (limit, after) => {
      const p = new SqlParams(opts.dialect);
      const keyParam = p.add(key);
      const order = orderColumns(rest, 1, p, probeOpts);
      const where = [`${col} IS NULL`, baseWhere(q, p), ...(q.filter ? [compileFilter(q.filter, p, probeOpts)] : []), ...keysetWhere(order.columns, after, p, 1)];
      const sql = [
        `SELECT r.id AS id, ${order.select.join(', ')} FROM runs r JOIN metric_summaries s0 ON s0.run_id = r.id AND s0.key = ${keyParam}`,
        ...order.joins,
        `WHERE ${where.join(' AND ')}`,
        `ORDER BY ${orderByItems(order.columns).join(', ')}`,
      ].join(' ');
      return withLimit(sql, p, limit);
    },
  };
  const missing: SearchSegment = {
    rank: 2,
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
