import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, httpStatusOf, systemErrorOf } from './app-error';

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

describe('the code table', () => {
  const root = join(__dirname, '../../../..');
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts') ? [join(dir, d.name)] : []));
  // Where codes are thrown: the api and the libs, less the files that only map codes (the table itself is cut out).
  const MAPPERS = ['common/http-error.ts', 'graphql/format-error.ts', 'mlflow/mlflow-errors.ts'];
  const text = [join(root, 'apps/api/src'), ...readdirSync(join(root, 'libs')).map((l) => join(root, 'libs', l, 'src'))]
    .flatMap(sources)
    .filter((f) => !MAPPERS.some((m) => f.endsWith(m)))
    .map((f) => {
      const body = readFileSync(f, 'utf8');
      return f.endsWith('common/app-error.ts') ? body.replace(/export const ERROR_CODES = \{[\s\S]*?\} as const/, '') : body;
    })
    .join('\n');

  it.each(Object.keys(ERROR_CODES))('has %s because something throws it', (code) => {
    expect(text.includes(`'${code}'`), `nothing throws ${code}: drop its row`).toBe(true);
  });

  it('gives every code a GraphQL code, an HTTP error status and an MLflow code and status', () => {
    for (const row of Object.values(ERROR_CODES)) {
      expect(row.graphql).toMatch(/^[A-Z_]+$/);
      expect(row.http).toBeGreaterThanOrEqual(400);
      expect(row.mlflow[1]).toBeGreaterThanOrEqual(400);
    }
  });
});
