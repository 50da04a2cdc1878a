import { describe, expect, it } from 'vitest';
import { AppError, httpStatusOf, systemErrorOf } from './app-error';

const errno = (code: string) => Object.assign(new Error(`${code}: something, open '/data/artifacts/.incoming/x.part'`), { code });

describe('systemErrorOf', () => {
  it.each([
    ['ENOSPC', 'INSUFFICIENT_STORAGE', 507, "The server's storage is full (ENOSPC); nothing was stored"],
    ['EDQUOT', 'INSUFFICIENT_STORAGE', 507, "The server's storage quota is exhausted (EDQUOT); nothing was stored"],
    ['EROFS', 'STORAGE_UNAVAILABLE', 503, "The server's storage is read-only (EROFS)"],
    ['EACCES', 'STORAGE_UNAVAILABLE', 503, 'The server is not permitted to use its storage (EACCES)'],
    ['EPERM', 'STORAGE_UNAVAILABLE', 503, 'The server is not permitted to use its storage (EPERM)'],
    ['EIO', 'STORAGE_UNAVAILABLE', 503, "The server's storage failed (EIO)"],
    ['EMFILE', 'STORAGE_UNAVAILABLE', 503, 'The server has too many open files (EMFILE); retry later'],
    ['ENAMETOOLONG', 'BAD_USER_INPUT', 400, 'A name is too long for the file system (ENAMETOOLONG)'],
  ])('maps %s to %s (%i) without the paths of the errno text', (code, appCode, status, message) => {
    const mapped = systemErrorOf(errno(code));
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ code: appCode, message, details: { errno: code } });
    expect(httpStatusOf(mapped!.code)).toBe(status);
  });

  it('leaves other errors alone', () => {
    expect(systemErrorOf(errno('ENOENT'))).toBeUndefined();
    expect(systemErrorOf(new Error('plain'))).toBeUndefined();
    expect(systemErrorOf({ code: 'ENOSPC' })).toBeUndefined();
    expect(systemErrorOf(undefined)).toBeUndefined();
  });
});
