import { describe, expect, it } from 'vitest';
import { parseExpiry } from './expiry';

describe('parseExpiry', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');
  it('reads durations from now and ISO dates', () => {
    expect(parseExpiry('30d', now).toISOString()).toBe('2026-12-26T10:00:00.000Z');
    expect(parseExpiry('90m', now).toISOString()).toBe('2026-11-26T11:30:00.000Z');
    expect(parseExpiry('2w', now).toISOString()).toBe('2026-12-10T10:00:00.000Z');
    expect(parseExpiry('2027-01-01T00:00:00Z', now).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
  it('refuses past dates, zero and nonsense with a message naming the flag', () => {
    expect(() => parseExpiry('2020-01-01', now)).toThrow('--expires must be in the future, got "2020-01-01"');
    expect(() => parseExpiry('0d', now)).toThrow('positive duration');
    expect(() => parseExpiry('soon', now)).toThrow('--expires must be a duration like 30d');
  });
});
