import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationDepth } from './query-depth';

describe('operationDepth', () => {
  it('counts nested selections, following fragments and inline fragments', () => {
    expect(operationDepth(parse('{ a }'))).toBe(1);
    expect(operationDepth(parse('{ a { b { c } } d }'))).toBe(3);
    expect(operationDepth(parse('query { a { ...F } } fragment F on T { b { ... on U { c { d } } } }'))).toBe(4);
  });

  it('measures the named operation only', () => {
    const doc = parse('query Shallow { a } query Deep { a { b { c } } }');
    expect(operationDepth(doc, 'Shallow')).toBe(1);
    expect(operationDepth(doc, 'Deep')).toBe(3);
  });

  it('does not count introspection, so the standard introspection query passes any limit', () => {
    expect(operationDepth(parse(getIntrospectionQuery()))).toBe(0);
    expect(operationDepth(parse('{ __type(name: "X") { fields { type { ofType { ofType { name } } } } } a { b } }'))).toBe(2);
  });

  it('terminates on fragment cycles (invalid documents reach it only before validation)', () => {
    expect(operationDepth(parse('{ a { ...F } } fragment F on T { b { ...F } }'))).toBe(2);
  });
});
