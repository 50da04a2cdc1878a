import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findNulInput, refuseNulInUrl } from './nul-inputs';

describe('findNulInput', () => {
  const doc = parse('mutation($input: In!, $ids: [ID!]) { a(input: $input, ids: $ids) { b } }');

  it('names the variable path of the first NUL, through objects and lists', () => {
    expect(findNulInput(doc, null, { input: { metrics: [{ key: 'ok' }, { key: 'x\u0000' }] } })).toBe('$input.metrics[1].key');
    expect(findNulInput(doc, null, { ids: ['a', '\u0000b'] })).toBe('$ids[1]');
    expect(findNulInput(doc, null, { input: { metrics: [{ key: 'ok', value: 1, step: 0 }] }, ids: null })).toBeUndefined();
  });

  it('names inline literals by field (alias) and argument, in fragments, directives and variable defaults', () => {
    expect(findNulInput(parse('{ x: run(id: "\\u0000") { id } }'))).toBe('x(id)');
    expect(findNulInput(parse('{ run(id: "1") { metrics(keys: ["a", "b\\u0000"]) { key } } }'))).toBe('run.metrics(keys)[1]');
    expect(findNulInput(parse('{ ...F } fragment F on Query { e(input: { tags: [{ value: "\\u0000" }] }) { id } }'))).toBe('e(input).tags[0].value');
    expect(findNulInput(parse('{ a @include(if: true) { b @skip(if: false) } c @d(s: "\\u0000") }'))).toBe('@d(s)');
    expect(findNulInput(parse('query($k: String = "\\u0000") { a(k: $k) }'))).toBe('$k');
    expect(findNulInput(parse('{ a(s: "\\\\u0000 is text", t: "\\u0001") }'))).toBeUndefined();
  });

  it('checks only the operation named, and stops on fragment cycles', () => {
    const two = parse('query A { a(s: "\\u0000") } query B { b }');
    expect(findNulInput(two, 'A')).toBe('a(s)');
    expect(findNulInput(two, 'B')).toBeUndefined();
    expect(findNulInput(parse('{ ...F } fragment F on Q { a { ...F } }'))).toBeUndefined();
  });
});

describe('refuseNulInUrl', () => {
  const call = (originalUrl: string) => {
    let answered: { status: number; body: unknown } | undefined;
    let passed = false;
    const res = { status: (status: number) => ({ json: (body: unknown) => (answered = { status, body }) }) };
    refuseNulInUrl({ originalUrl } as never, res as never, () => (passed = true));
    return { answered, passed };
  };

  it('refuses %00 in a REST path or query with the routes’ error shape, naming where', () => {
    expect(call('/artifacts/abc/a%00b').answered).toEqual({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT', message: "The URL's path contains U+0000 (NUL, %00), which no input accepts", argument: 'path' } },
    });
    expect((call('/datasets/upload?name=ok&classNames=a%00').answered?.body as any).error.argument).toBe('query.classNames');
    expect((call('/datasets/upload?na%00me=x').answered?.body as any).error.argument).toBe('query.na\\0me');
  });

  it('lets other URLs through, and /graphql (it has its own check)', () => {
    expect(call('/artifacts/abc/a%2500b?x=%20').passed).toBe(true);
    expect(call('/graphql?query=%00').passed).toBe(true);
  });
});
