import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './pagination';

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

describe('decodeCursor', () => {
  it('gives back what encodeCursor encoded, and nothing for no cursor', () => {
    expect(decodeCursor(encodeCursor(['a', 'b']), isStrings)).toEqual(['a', 'b']);
    expect(decodeCursor(undefined, isStrings)).toBeUndefined();
    expect(decodeCursor('', isStrings)).toBeUndefined();
  });

  it('refuses what is not a cursor, what the check refuses, and a NUL in any string (a key too), nested or not', () => {
    expect(() => decodeCursor('%%%', isStrings)).toThrow('after: malformed cursor "%%%"');
    expect(() => decodeCursor(encodeCursor([1]), isStrings)).toThrow(/malformed cursor/);
    expect(() => decodeCursor(encodeCursor(['ok', 'a\u0000b']), isStrings)).toThrow(/malformed cursor/);
    expect(() => decodeCursor(encodeCursor({ k: [['x', { v: '\u0000' }]] }), isObject)).toThrow(/malformed cursor/);
    expect(() => decodeCursor(encodeCursor({ ['k\u0000']: 1 }), isObject)).toThrow(/malformed cursor/);
    expect(decodeCursor(encodeCursor({ k: [['x', { v: 'fine' }]] }), isObject)).toEqual({ k: [['x', { v: 'fine' }]] });
  });
});
