import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { decodeMetricValue, encodeMetricValue, MetricValueScalar } from './metric-value.scalar';

describe('MetricValue', () => {
  it('serialises finite numbers as numbers and NaN / ±Infinity as strings', () => {
    expect(MetricValueScalar.serialize(0.25)).toBe(0.25);
    expect(MetricValueScalar.serialize(-3)).toBe(-3);
    expect(MetricValueScalar.serialize(Number.NaN)).toBe('NaN');
    expect(MetricValueScalar.serialize(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(MetricValueScalar.serialize(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('parses variables in both shapes', () => {
    expect(MetricValueScalar.parseValue(0.5)).toBe(0.5);
    expect(MetricValueScalar.parseValue('NaN')).toBeNaN();
    expect(MetricValueScalar.parseValue('Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(MetricValueScalar.parseValue('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('parses literals: ints, floats and the three strings', () => {
    expect(MetricValueScalar.parseLiteral({ kind: Kind.INT, value: '3' })).toBe(3);
    expect(MetricValueScalar.parseLiteral({ kind: Kind.FLOAT, value: '-1.5e-3' })).toBe(-0.0015);
    expect(MetricValueScalar.parseLiteral({ kind: Kind.STRING, value: '-Infinity' })).toBe(Number.NEGATIVE_INFINITY);
  });

  it.each([['nan'], ['inf'], ['0.5'], [''], [null], [true], [{}]])('refuses %j with the accepted forms in the message', (v) => {
    expect(() => MetricValueScalar.parseValue(v)).toThrow(/MetricValue must be a number, or one of the strings "NaN", "Infinity", "-Infinity"/);
  });

  it('refuses a boolean literal', () => {
    expect(() => MetricValueScalar.parseLiteral({ kind: Kind.BOOLEAN, value: true })).toThrow(/MetricValue must be/);
  });

  it('round-trips every kind of value', () => {
    for (const v of [0, 1e-300, -42.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(Object.is(decodeMetricValue(encodeMetricValue(v)), v)).toBe(true);
    }
  });
});
