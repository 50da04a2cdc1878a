// MLflow's experiment search language, parsed with the searchRuns tokenizer and evaluated on experiments in memory:
//   filter := term (AND term)*      term := field operator value
//   field  := [attribute.]name | [attribute.]creation_time | [attribute.]last_update_time | tags.<key>
// Names and tags compare as strings (=, !=, LIKE, ILIKE), times as numbers (=, !=, <, <=, >, >=). Order terms:
// name, experiment_id, creation_time, last_update_time with ASC / DESC (default creation_time DESC, then id).
import { type Token, tokenize } from '../runs/search/filter-tokenizer';
import { SearchFilterError } from '../runs/search/search-filter-error';
import type { MlflowExperiment } from './mlflow.mapper';

type StringField = { kind: 'name' } | { kind: 'tag'; key: string };
type NumberField = { kind: 'creation_time' | 'last_update_time' };
type Field = StringField | NumberField;

export type ExperimentCondition =
  { field: StringField; operator: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string } | { field: NumberField; operator: '=' | '!=' | '<' | '<=' | '>' | '>='; value: number };

export interface ExperimentOrder {
  field: 'name' | 'experiment_id' | 'creation_time' | 'last_update_time';
  direction: 'ASC' | 'DESC';
}

const ATTRIBUTE_PREFIXES = new Set(['attribute', 'attributes', 'attr']);
const TAG_PREFIXES = new Set(['tag', 'tags']);
const NUMBER_FIELDS = new Set(['creation_time', 'last_update_time']);
const STRING_OPERATORS = new Set(['=', '!=', 'LIKE', 'ILIKE']);
const NUMBER_OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);

class Cursor {
  private i = 0;

  constructor(
    readonly tokens: Token[],
    readonly input: string,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  next(): Token {
    return this.tokens[Math.min(this.i++, this.tokens.length - 1)];
  }

  fail(t: Token, expected: string): never {
    const what = t.type === 'eof' ? `Unexpected end of ${this.input}` : `Unexpected token "${t.raw}"`;
    throw new SearchFilterError(`${what} at position ${t.position}: expected ${expected}`, t.position, this.input);
  }
}

function parseField(c: Cursor): Field {
  const first = c.next();
  if (first.type !== 'ident' && first.type !== 'backquoted') c.fail(first, 'name, creation_time, last_update_time or tags.<key>');
  const word = first.text.toLowerCase();
  if (c.peek().type === '.' && (ATTRIBUTE_PREFIXES.has(word) || TAG_PREFIXES.has(word))) {
    c.next();
    const key = c.next();
    if (key.type !== 'ident' && key.type !== 'backquoted' && !(key.type === 'string' && key.quote === '"')) c.fail(key, `a name after "${first.text}."`);
    if (TAG_PREFIXES.has(word)) return { kind: 'tag', key: key.text };
    return attribute(c, key);
  }
  return attribute(c, first);
}

function attribute(c: Cursor, t: Token): Field {
  const name = t.text.toLowerCase();
  if (name === 'name') return { kind: 'name' };
  if (NUMBER_FIELDS.has(name)) return { kind: name as NumberField['kind'] };
  throw new SearchFilterError(`Unknown experiment attribute "${t.text}" at position ${t.position}: expected name, creation_time or last_update_time`, t.position, c.input);
}

function parseCondition(c: Cursor): ExperimentCondition {
  const field = parseField(c);
  const opToken = c.next();
  const operator = opToken.type === 'op' ? opToken.text : opToken.type === 'ident' ? opToken.text.toUpperCase() : '';
  const numeric = field.kind === 'creation_time' || field.kind === 'last_update_time';
  const allowed = numeric ? NUMBER_OPERATORS : STRING_OPERATORS;
  if (!allowed.has(operator)) c.fail(opToken, `one of ${[...allowed].join(', ')}`);
  const value = c.next();
  if (numeric) {
    if (value.type !== 'number') c.fail(value, `a number (epoch milliseconds) for ${field.kind}`);
    return { field: field as NumberField, operator: operator as '=', value: Number(value.text) };
  }
  if (value.type !== 'string') c.fail(value, 'a quoted string');
  return { field: field as StringField, operator: operator as '=', value: value.text };
}

/** Parses an experiment filter into the conditions that must all hold (none for an empty filter). */
export function parseExperimentFilter(filter: string | undefined): ExperimentCondition[] {
  if (!filter || filter.trim() === '') return [];
  const c = new Cursor(tokenize(filter, 'filter'), 'filter');
  const out = [parseCondition(c)];
  while (c.peek().type === 'ident' && c.peek().text.toUpperCase() === 'AND') {
    c.next();
    out.push(parseCondition(c));
  }
  if (c.peek().type !== 'eof') c.fail(c.peek(), 'AND or the end of the filter');
  return out;
}

export function parseExperimentOrder(terms: readonly string[]): ExperimentOrder[] {
  return terms.map((term, i) => {
    const c = new Cursor(tokenize(term, `order_by[${i}]`), `order_by[${i}]`);
    const field = parseField(c);
    if (field.kind === 'tag') throw new SearchFilterError(`order_by[${i}]: experiments cannot be ordered by a tag`, 0, `order_by[${i}]`);
    let direction: 'ASC' | 'DESC' = 'ASC';
    const t = c.peek();
    if (t.type === 'ident' && (t.text.toUpperCase() === 'ASC' || t.text.toUpperCase() === 'DESC')) {
      direction = t.text.toUpperCase() as 'ASC' | 'DESC';
      c.next();
    }
    if (c.peek().type !== 'eof') c.fail(c.peek(), 'ASC, DESC or the end of the term');
    return { field: field.kind, direction };
  });
}

/** A LIKE pattern (`%` any run, `_` one character, `\` escapes) as an anchored regular expression. */
function likeRegExp(pattern: string, ignoreCase: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function holds(e: MlflowExperiment, c: ExperimentCondition): boolean {
  if (c.field.kind === 'creation_time' || c.field.kind === 'last_update_time') {
    const v = e[c.field.kind];
    const x = c.value as number;
    switch (c.operator) {
      case '=':
        return v === x;
      case '!=':
        return v !== x;
      case '<':
        return v < x;
      case '<=':
        return v <= x;
      case '>':
        return v > x;
      case '>=':
        return v >= x;
    }
  }
  const field = c.field as StringField;
  const v = field.kind === 'name' ? e.name : e.tags.find((t) => t.key === field.key)?.value;
  // A tag the experiment lacks satisfies no comparison (as in MLflow).
  if (v === undefined) return false;
  const x = c.value as string;
  switch (c.operator) {
    case '=':
      return v === x;
    case '!=':
      return v !== x;
    case 'LIKE':
      return likeRegExp(x, false).test(v);
    case 'ILIKE':
      return likeRegExp(x, true).test(v);
  }
  return false;
}

export function matchesAll(e: MlflowExperiment, conditions: readonly ExperimentCondition[]): boolean {
  return conditions.every((c) => holds(e, c));
}

/** Sorts by the order terms, then MLflow's default (creation_time DESC), then id. */
/** The fields an order reads: an experiment, or the anchor a page token names. */
export type ExperimentSortFields = Pick<MlflowExperiment, ExperimentOrder['field']>;

export function compareExperiments(order: readonly ExperimentOrder[]): (a: ExperimentSortFields, b: ExperimentSortFields) => number {
  const terms: ExperimentOrder[] = [...order, { field: 'creation_time', direction: 'DESC' }, { field: 'experiment_id', direction: 'ASC' }];
  return (a, b) => {
    for (const t of terms) {
      const x = a[t.field];
      const y = b[t.field];
      if (x === y) continue;
      const less = x < y ? -1 : 1;
      return t.direction === 'ASC' ? less : -less;
    }
    return 0;
  };
}
