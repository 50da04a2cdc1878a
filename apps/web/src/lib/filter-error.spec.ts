import { describe, expect, it } from 'vitest';
import { filterProblemOf } from './filter-error';

describe('filterProblemOf', () => {
  it('locates the api’s INVALID_FILTER error in the filter text', () => {
    const text = "params.imgsz = '416' and metrics.map50 xyz 0.3";
    const p = filterProblemOf(
      [
        {
          message: 'Unexpected token "xyz" at position 39: expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)',
          extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_FILTER', position: 39, input: 'filter' },
        },
      ],
      text,
    );
    expect(p).toMatchObject({ input: 'filter', position: 39, before: "params.imgsz = '416' and metrics.map50 ", at: 'x', after: 'yz 0.3' });
    expect(p!.message).toContain('position 39');
  });

  it('an "unexpected end" points past the last character', () => {
    const text = 'metrics.map50 >';
    const p = filterProblemOf([{ message: 'Unexpected end of filter at position 15', extensions: { reason: 'INVALID_FILTER', position: 15 } }], text);
    expect(p).toMatchObject({ position: 15, before: text, at: '', after: '' });
  });

  it('an order-by error is located in that term', () => {
    const p = filterProblemOf([{ message: 'Unexpected token "DOWN" at position 14', extensions: { reason: 'INVALID_FILTER', position: 14, input: 'orderBy[0]' } }], 'x', ['metrics.map50 DOWN']);
    expect(p).toMatchObject({ input: 'orderBy[0]', before: 'metrics.map50 ', at: 'D', after: 'OWN' });
  });

  it('clamps a position outside the text and keeps a surrogate pair whole', () => {
    expect(filterProblemOf([{ message: 'm', extensions: { reason: 'INVALID_FILTER', position: 99 } }], 'abc')).toMatchObject({ position: 3, at: '' });
    expect(filterProblemOf([{ message: 'm', extensions: { reason: 'INVALID_FILTER', position: 2 } }], 'a 😀 b')).toMatchObject({ at: '😀', after: ' b' });
  });

  it('is null for other errors', () => {
    expect(filterProblemOf([{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }], 'x')).toBeNull();
    expect(filterProblemOf(undefined, 'x')).toBeNull();
  });
});
