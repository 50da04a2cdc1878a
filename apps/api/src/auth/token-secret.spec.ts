import { describe, expect, it } from 'vitest';
import { displayPrefix, generateTokenSecret, hashesEqual, hashTokenSecret, parseBearer } from './token-secret';

describe('token secrets', () => {
  it('are pod_ + 43 base64url characters (32 random bytes), different every time', () => {
    const a = generateTokenSecret();
    const b = generateTokenSecret();
    expect(a).toMatch(/^pod_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('hash to hex sha256, and the display prefix is not the secret', () => {
    expect(hashTokenSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const s = generateTokenSecret();
    expect(displayPrefix(s)).toBe(s.slice(0, 10));
    expect(hashesEqual(hashTokenSecret(s), hashTokenSecret(s))).toBe(true);
    expect(hashesEqual(hashTokenSecret(s), hashTokenSecret(s + 'x'))).toBe(false);
    expect(hashesEqual('ab', 'abc')).toBe(false);
  });

  it('parse Bearer headers and name the problem without echoing what was sent', () => {
    const s = generateTokenSecret();
    expect(parseBearer(`Bearer ${s}`)).toEqual({ secret: s });
    expect(parseBearer(`bearer   ${s} `)).toEqual({ secret: s });
    const basic = parseBearer('Basic dXNlcjpwYXNz');
    expect(basic).toEqual({ problem: 'malformed Authorization header (expected "Bearer pod_…")' });
    const wrong = parseBearer('Bearer my-password-123');
    expect('problem' in wrong && wrong.problem).toMatch(/^malformed token/);
    expect(JSON.stringify(wrong)).not.toContain('my-password-123');
  });
});
