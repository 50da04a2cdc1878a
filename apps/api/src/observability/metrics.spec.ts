import { describe, expect, it } from 'vitest';
import { BoundedLabel } from './metrics';

describe('BoundedLabel', () => {
  it('keeps well-formed values up to the cap, then collapses new ones into other; absent ones are the empty label', () => {
    const label = new BoundedLabel(2);
    expect([label.of('GetRun'), label.of('LogMetrics'), label.of('ThirdName'), label.of('GetRun')]).toEqual(['GetRun', 'LogMetrics', 'other', 'GetRun']);
    expect([label.of(undefined), label.of(null), label.of('')]).toEqual(['anonymous', 'anonymous', 'anonymous']);
  });

  it('refuses values that are not names (spaces, quotes, line breaks, very long) without using up the cap', () => {
    const label = new BoundedLabel(1);
    expect(label.of('a b')).toBe('other');
    expect(label.of('x"}\nfake_metric 1')).toBe('other');
    expect(label.of('n'.repeat(65))).toBe('other');
    expect(label.of('Fine')).toBe('Fine');
  });
});
