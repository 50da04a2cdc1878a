// Recursive-descent parser for searchRuns: MLflow's filter language plus OR and parentheses, and order-by terms.
//   filter     := or EOF
//   or         := and (OR and)*
//   and        := primary (AND primary)*
//   primary    := '(' or ')' | comparison
//   comparison := target operator value
//   target     := [min|max|last] '(' entity '.' key ')' | entity '.' key
//   order term := target [ASC|DESC]
import type { Attribute, ComparisonOperator, FilterNode, FilterValue, MetricAggregation, OrderTerm, Target } from './filter-ast';
import { SearchFilterError } from './search-filter-error';
import { type Token, tokenize } from './filter-tokenizer';

const ENTITIES: Record<string, Target['kind']> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

/** MLflow's attribute names and aliases → the attribute searched. */
const ATTRIBUTES: Record<string, Attribute> = {
  status: 'status',
  name: 'name',
  run_name: 'name',
  start_time: 'start_time',
  created: 'start_time',
  end_time: 'end_time',
  run_id: 'run_id',
  id: 'run_id',
  kind: 'kind',
  created_by: 'created_by',
  user_id: 'created_by',
};
const NUMERIC_ATTRIBUTES = new Set<Attribute>(['start_time', 'end_time']);

const AGGREGATIONS = new Set<MetricAggregation>(['last', 'min', 'max']);
const NUMERIC_OPERATORS = new Set<ComparisonOperator>(['=', '!=', '<', '<=', '>', '>=']);
const STRING_OPERATORS = new Set<ComparisonOperator>(['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);
const MAX_LENGTH = 10_000;
const MAX_DEPTH = 64;

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly input: string,
  ) {}

  private cur(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  fail(t: Token, expected: string): never {
    const what = t.type === 'eof' ? `Unexpected end of ${this.input}` : `Unexpected token "${t.raw}"`;
    throw new SearchFilterError(`${what} at position ${t.position}: expected ${expected}`, t.position, this.input);
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.type === 'ident' && t.text.toUpperCase() === word;
  }

  expectEnd(expected: string): void {
    if (this.cur().type !== 'eof') this.fail(this.cur(), expected);
  }

  parseOr(): FilterNode {
    const children = [this.parseAnd()];
    while (this.isKeyword(this.cur(), 'OR')) {
      this.next();
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0] : { type: 'or', children };
  }

  private parseAnd(): FilterNode {
    const children = [this.parsePrimary()];
    while (this.isKeyword(this.cur(), 'AND')) {
      this.next();
      children.push(this.parsePrimary());
    }
    return children.length === 1 ? children[0] : { type: 'and', children };
  }

  private parsePrimary(): FilterNode {
    if (this.cur().type === '(') {
      const open = this.next();
      if (++this.depth > MAX_DEPTH) throw new SearchFilterError(`Parentheses nested deeper than ${MAX_DEPTH} at position ${open.position}`, open.position, this.input);
      const inner = this.parseOr();
      if (this.cur().type !== ')') this.fail(this.cur(), `")" to close "(" at position ${open.position}`);
      this.next();
      this.depth--;
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterNode {
    const start = this.cur().position;
    const target = this.parseTarget();
    const opToken = this.cur();
    const operator = this.parseOperator();
    const numeric = target.kind === 'metric' || (target.kind === 'attribute' && NUMERIC_ATTRIBUTES.has(target.name));
    const allowed = numeric ? NUMERIC_OPERATORS : STRING_OPERATORS;
    if (!allowed.has(operator)) {
      throw new SearchFilterError(
        `Operator ${operator} at position ${opToken.position} does not apply to ${describeTarget(target)}: expected one of ${[...allowed].join(', ')}`,
        opToken.position,
        this.input,
      );
    }
    const value = numeric ? this.parseNumber(target) : operator === 'IN' || operator === 'NOT IN' ? this.parseList() : this.parseString(target);
    return { type: 'comparison', target, operator, value, position: start };
  }

  parseTarget(): Target {
    const first = this.cur();
    if (first.type === 'ident' && this.tokens[this.i + 1]?.type === '(') {
      const aggregation = first.text.toLowerCase() as MetricAggregation;
      if (!AGGREGATIONS.has(aggregation)) this.fail(first, 'an aggregation (min, max, last) before "("');
      this.next();
      this.next();
      const inner = this.parseTarget();
      if (inner.kind !== 'metric') {
        throw new SearchFilterError(`Aggregation ${aggregation}() at position ${first.position} applies to metrics only, not ${describeTarget(inner)}`, first.position, this.input);
      }
      if (this.cur().type !== ')') this.fail(this.cur(), `")" to close ${aggregation}(`);
      this.next();
      return { ...inner, aggregation };
    }
    if (first.type !== 'ident' || !ENTITIES[first.text.toLowerCase()]) this.fail(first, 'metrics., params., tags. or attributes.');
    this.next();
    const entity = ENTITIES[first.text.toLowerCase()];
    if (this.cur().type !== '.') this.fail(this.cur(), `"." after "${first.text}"`);
    this.next();
    const keyToken = this.next();
    let key: string;
    if (keyToken.type === 'ident' || keyToken.type === 'backquoted' || (keyToken.type === 'string' && keyToken.quote === '"')) key = keyToken.text;
    else this.fail(keyToken, `a key name after "${first.text}." (quote names with special characters in backquotes)`);
    if (entity === 'metric') return { kind: 'metric', key, aggregation: 'last' };
    if (entity === 'param') return { kind: 'param', key };
    if (entity === 'tag') return { kind: 'tag', key };
    const name = ATTRIBUTES[key.toLowerCase()];
    if (!name) {
      throw new SearchFilterError(`Unknown attribute "${key}" at position ${keyToken.position}: expected one of ${Object.keys(ATTRIBUTES).join(', ')}`, keyToken.position, this.input);
    }
    return { kind: 'attribute', name };
  }

  private parseOperator(): ComparisonOperator {
    const t = this.cur();
    if (t.type === 'op') {
      this.next();
      return t.text as ComparisonOperator;
    }
    if (t.type === 'ident') {
      const word = t.text.toUpperCase();
      if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') {
        this.next();
        return word;
      }
      if (word === 'NOT' && this.isKeyword(this.tokens[this.i + 1], 'IN')) {
        this.i += 2;
        return 'NOT IN';
      }
    }
    return this.fail(t, 'a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)');
  }

  private parseNumber(target: Target): FilterValue {
    const t = this.next();
    if (t.type !== 'number') this.fail(t, `a number for ${describeTarget(target)}`);
    return { type: 'number', value: Number(t.text) };
  }

  private parseString(target: Target): FilterValue {
    const t = this.next();
    if (t.type !== 'string') this.fail(t, `a quoted string for ${describeTarget(target)} (${target.kind === 'attribute' ? 'attributes' : target.kind + 's'} compare as strings: '416')`);
    return { type: 'string', value: t.text };
  }

  private parseList(): FilterValue {
    if (this.cur().type !== '(') this.fail(this.cur(), `"(" to start a list of quoted strings`);
    this.next();
    const values: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.type !== 'string') this.fail(t, 'a quoted string in the list');
      values.push(t.text);
      const sep = this.next();
      if (sep.type === ')') break;
      if (sep.type !== ',') this.fail(sep, '"," or ")" in the list');
    }
    return { type: 'list', values };
  }

  parseDirection(): 'ASC' | 'DESC' {
    const t = this.cur();
    if (t.type === 'eof') return 'ASC';
    if (this.isKeyword(t, 'ASC') || this.isKeyword(t, 'DESC')) {
      this.next();
      return t.text.toUpperCase() as 'ASC' | 'DESC';
    }
    return this.fail(t, 'ASC, DESC or the end of the term');
  }
}

/** The target as a user would write it, for messages. */
export function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'metric':
      return t.aggregation === 'last' ? `metrics.${t.key}` : `${t.aggregation}(metrics.${t.key})`;
    case 'param':
      return `params.${t.key}`;
    case 'tag':
      return `tags.${t.key}`;
    case 'attribute':
      return `attributes.${t.name}`;
  }
}

/** Parses a filter; an empty or blank filter matches every run (undefined). Throws SearchFilterError. */
export function parseFilter(filter: string | null | undefined): FilterNode | undefined {
  if (filter === null || filter === undefined || filter.trim() === '') return undefined;
  if (filter.length > MAX_LENGTH) throw new SearchFilterError(`The filter is longer than ${MAX_LENGTH} characters`, MAX_LENGTH, 'filter');
  const parser = new Parser(tokenize(filter, 'filter'), 'filter');
  const node = parser.parseOr();
  parser.expectEnd('AND, OR or the end of the filter');
  return node;
}

/** Parses order-by terms such as `max(metrics.map50) DESC` or `attributes.start_time`. */
export function parseOrderBy(terms: readonly string[] | null | undefined): OrderTerm[] {
  return (terms ?? []).map((term, index) => {
    const input = `orderBy[${index}]`;
    const parser = new Parser(tokenize(term, input), input);
    const target = parser.parseTarget();
    const direction = parser.parseDirection();
    parser.expectEnd('the end of the term');
    return { target, direction };
  });
}
