// The keyset of searchRuns (CONTRIBUTING.md rule 8): the sort values of a page's last run — per order term a rank
// (0 = a value, 1 = NaN, 2 = no value) and the value — then the tie-breakers start_time DESC and id. The next page is
// the runs strictly after that key in the order, as one SQL condition, so a run created or changed while a person
// pages shifts no page. Also the cursor's wire form: the key's values checked against the search's order terms.
import { isUuid } from '../../common/uuid';
import type { Attribute, OrderTerm } from './filter-ast';

/** One component of the order: `value` sorted in `direction`, after `rank` (ASC, 0..maxRank) when it has one. */
export interface OrderColumn {
  rank?: string;
  maxRank?: number;
  value: string;
  direction: 'ASC' | 'DESC';
  /** The select items' names of the rank and value, which ORDER BY uses (SQLite's sorter then carries each once). */
  as?: { rank?: string; value: string };
}

/** A term's place in the order: its rank and, at rank 0, its value (a number for metrics and times, else text). */
export interface TermKey {
  rank: number;
  value: number | string | null;
}

/** Where a page ends: the last run's sort values, its start time and id. */
export interface RowKey {
  terms: TermKey[];
  startTime: number;
  id: string;
}

/** The tie-breakers after the order terms (MLflow's), the id making the order total. */
export const TIE_BREAKERS: readonly OrderColumn[] = [
  { value: 'r.start_time', direction: 'DESC', as: { value: 'st' } },
  { value: 'r.id', direction: 'ASC' },
];

/** ORDER BY items of the columns: a rank first (so NaN and missing values sort last in both directions), then the value. */
export function orderByItems(columns: readonly OrderColumn[]): string[] {
  return columns.flatMap((c) => [...(c.rank ? [`${c.as?.rank ?? c.rank} ASC`] : []), `${c.as?.value ?? c.value} ${c.direction}`]);
}

/**
 * The rows strictly after `keys` in the order of `columns` (one key a column), adding bound values through `add` in
 * the order they appear in the text (SQLite counts placeholders). Written as nested OR/AND rather than a row
 * comparison because the directions differ term by term and ranks come before values. The first column, when bare,
 * also gets an inclusive bound (`value <= v`) that an index range can serve.
 */
export function afterKey(columns: readonly OrderColumn[], keys: readonly TermKey[], add: (v: unknown) => string): string {
  if (columns.length !== keys.length) throw new Error('a keyset with another shape than its order');
  const first = columns[0];
  const bound = !first.rank && keys[0].rank === 0 ? `${first.value} ${first.direction === 'ASC' ? '>=' : '<='} ${add(keys[0].value)} AND ` : '';
  return `(${bound}${after(columns, keys, 0, add)})`;
}

function after(columns: readonly OrderColumn[], keys: readonly TermKey[], i: number, add: (v: unknown) => string): string {
  const c = columns[i];
  const k = keys[i];
  const last = i === columns.length - 1;
  let sameRank: string;
  if (k.rank === 0) {
    const op = c.direction === 'ASC' ? '>' : '<';
    const beyond = `${c.value} ${op} ${add(k.value)}`;
    sameRank = last ? beyond : `(${beyond} OR (${c.value} = ${add(k.value)} AND ${after(columns, keys, i + 1, add)}))`;
  } else {
    // Every run of a rank above 0 has the same (absent) value: the next columns decide.
    sameRank = after(columns, keys, i + 1, add);
  }
  if (!c.rank) return sameRank;
  const laterRank = k.rank < (c.maxRank ?? 0) ? `${c.rank} > ${k.rank} OR ` : '';
  return `(${laterRank}(${c.rank} = ${k.rank} AND ${sameRank}))`;
}

/** How a term's value is carried: metric values and times are numbers, the rest text, run ids uuids. */
type ValueKind = 'number' | 'integer' | 'text' | 'uuid';
/** How many ranks a term has beyond 0: a metric 2 (NaN, missing), a param, tag or nullable attribute 1, others 0. */
export const NOT_NULL_ATTRIBUTES = new Set<Attribute>(['status', 'name', 'start_time', 'run_id', 'kind']);

function kindOf(term: OrderTerm): { value: ValueKind; maxRank: number } {
  const t = term.target;
  if (t.kind === 'metric') return { value: 'number', maxRank: 2 };
  if (t.kind !== 'attribute') return { value: 'text', maxRank: 1 };
  const value: ValueKind = t.name === 'start_time' || t.name === 'end_time' ? 'integer' : t.name === 'run_id' ? 'uuid' : 'text';
  return { value, maxRank: NOT_NULL_ATTRIBUTES.has(t.name) ? 0 : 1 };
}

/** A value as read from the database: PostgreSQL gives bigint as a string, a metric ±Infinity as a number. */
export function readValue(term: OrderTerm, raw: unknown): number | string | null {
  if (raw === null || raw === undefined) return null;
  const kind = kindOf(term).value;
  return kind === 'number' || kind === 'integer' ? Number(raw) : String(raw);
}

/** The key on the wire (JSON): ±Infinity, which JSON lacks, as "+Inf"/"-Inf" (a metric value is never text). */
export type WireKey = [terms: [number, number | string | null][], startTime: number, id: string];

export function toWire(key: RowKey): WireKey {
  const num = (v: number | string | null) => (v === Number.POSITIVE_INFINITY ? '+Inf' : v === Number.NEGATIVE_INFINITY ? '-Inf' : v);
  return [key.terms.map((t) => [t.rank, num(t.value)]), key.startTime, key.id];
}

/** The key of a cursor, checked against the order it must belong to; undefined when it does not fit. */
export function fromWire(wire: unknown, order: readonly OrderTerm[]): RowKey | undefined {
  if (!Array.isArray(wire) || wire.length !== 3) return undefined;
  const [terms, startTime, id] = wire as unknown[];
  if (!Array.isArray(terms) || terms.length !== order.length) return undefined;
  if (typeof startTime !== 'number' || !Number.isSafeInteger(startTime) || typeof id !== 'string' || !isUuid(id)) return undefined;
  const out: TermKey[] = [];
  for (const [i, term] of order.entries()) {
    const t = terms[i] as unknown;
    if (!Array.isArray(t) || t.length !== 2) return undefined;
    const [rank, raw] = t as unknown[];
    const kind = kindOf(term);
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0 || rank > kind.maxRank) return undefined;
    if (rank > 0) {
      if (raw !== null) return undefined;
      out.push({ rank, value: null });
      continue;
    }
    const value = checkValue(kind.value, raw);
    if (value === undefined) return undefined;
    out.push({ rank, value });
  }
  return { terms: out, startTime, id };
}

function checkValue(kind: ValueKind, raw: unknown): number | string | undefined {
  switch (kind) {
    case 'number':
      if (raw === '+Inf') return Number.POSITIVE_INFINITY;
      if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
    case 'integer':
      return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : undefined;
    case 'uuid':
      return typeof raw === 'string' && isUuid(raw) ? raw : undefined;
    case 'text':
      return typeof raw === 'string' ? raw : undefined;
  }
}

/** A row as a segment query returns it: `id`, `st` (start time), `v` (the fixed first term's value) and `k<i>r`/`k<i>v`. */
export type KeyedRow = Record<string, unknown> & { id: string };

/**
 * The key of a row read by a segment. `fixed` is the first term's rank when the segment fixes it (a metric-ordered
 * search: the values, NaN or missing segment), its value then read from `v`.
 */
export function rowKeyOf(row: KeyedRow, order: readonly OrderTerm[], fixed?: number): RowKey {
  const terms = order.map((term, i): TermKey => {
    if (i === 0 && fixed !== undefined) return { rank: fixed, value: fixed === 0 ? readValue(term, row.v) : null };
    const rank = row[`k${i}r`] === undefined ? 0 : Number(row[`k${i}r`]);
    return { rank, value: rank === 0 ? readValue(term, row[`k${i}v`]) : null };
  });
  return { terms, startTime: Number(row.st), id: String(row.id) };
}
