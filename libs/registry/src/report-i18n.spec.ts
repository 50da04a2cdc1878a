import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent } from './report-i18n';

describe('report number formatting', () => {
  it.each([
    [0.03 / 0.27, 'en', '+11.1 %'],
    [0.03 / 0.27, 'fr', '+11,1 %'],
    [-0.05, 'en', '-5.0 %'],
    [0.00001, 'en', '0.0 %'],
    [-0.00001, 'fr', '0,0 %'],
    [null, 'en', 'n/a'],
    [null, 'fr', 'n.d.'],
  ] as const)('formatPercent(%s, %s) = %s', (x, locale, out) => {
    expect(formatPercent(x, locale)).toBe(out);
  });

  it('formats numbers with the locale separator and spells out non-finite values', () => {
    expect(formatNumber(0.3, 'en')).toBe('0.300');
    expect(formatNumber(0.3, 'fr')).toBe('0,300');
    expect(formatNumber(1.23456, 'fr', 1)).toBe('1,2');
    expect(formatNumber(Number.NaN, 'en')).toBe('NaN');
    expect(formatNumber(-Infinity, 'en')).toBe('-∞');
  });
});
