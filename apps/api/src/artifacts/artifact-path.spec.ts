import { describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { artifactPathFromUrl, validateArtifactPath } from './artifact-path';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('artifactPathFromUrl', () => {
  it('decodes each segment of a relative path', () => {
    expect(artifactPathFromUrl('weights/epoch%203.onnx')).toBe('weights/epoch 3.onnx');
    expect(artifactPathFromUrl('a/b.c/..d')).toBe('a/b.c/..d');
  });

  it.each([
    ['../x', /"\." or "\.\." segments/],
    ['%2e%2e/x', /"\." or "\.\." segments/],
    ['a/%2E/b', /"\." or "\.\." segments/],
    ['a%2F..%2Fx', /"\." or "\.\." segments/],
    ['/etc/passwd', /must be relative/],
    ['%2Fetc%2Fpasswd', /must be relative/],
    ['C:%5Cwin', /must be relative/],
    ['a%5C..%5Cb', /backslashes or NUL/],
    ['a%00b', /backslashes or NUL/],
    ['a//b', /empty segments/],
    ['a/', /empty segments/],
    ['%zz', /not valid percent-encoding/],
    ['', /path is required/],
  ])('refuses %j as BAD_USER_INPUT', (raw, message) => {
    const e = refusal(() => artifactPathFromUrl(raw));
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.message).toMatch(message);
  });

  it('bounds the length in bytes, in all and per segment', () => {
    const segment = 'é'.repeat(127); // 254 bytes
    expect(validateArtifactPath([segment, segment, segment, segment].join('/'))).toHaveLength(4 * 127 + 3);
    expect(refusal(() => validateArtifactPath([segment, segment, segment, segment, 'abcdef'].join('/'))).message).toMatch(/longer than 1024 bytes/);
    expect(validateArtifactPath(`dir/${'a'.repeat(255)}`)).toHaveLength(259);
    const long = refusal(() => artifactPathFromUrl(`dir/${'%C3%A9'.repeat(128)}`));
    expect(long.code).toBe('BAD_USER_INPUT');
    expect(long.message).toMatch(/has a segment longer than 255 bytes$/);
    expect(refusal(() => validateArtifactPath(`${'a'.repeat(256)}/x`)).message).toMatch(/has a segment longer than 255 bytes/);
  });
});
