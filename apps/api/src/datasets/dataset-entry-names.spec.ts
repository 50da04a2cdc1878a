import { describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { EntryNames, normaliseEntryName } from './dataset-entry-names';

const refusal = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return { code: (e as AppError).code, message: (e as AppError).message };
  }
  throw new Error('expected a refusal');
};

describe('normaliseEntryName', () => {
  it('reads backslashes as slashes and drops empty and "." parts', () => {
    expect(normaliseEntryName('labels\\val\\a.txt')).toBe('labels/val/a.txt');
    expect(normaliseEntryName('./images//val/./a.jpg')).toBe('images/val/a.jpg');
    expect(normaliseEntryName('coco128/')).toBe('coco128');
    expect(normaliseEntryName('./')).toBeNull();
  });

  it('refuses paths that leave the archive, control characters and over-long names', () => {
    expect(refusal(() => normaliseEntryName('../x'))).toEqual({ code: 'BAD_USER_INPUT', message: 'archive refused: ../x (path leaves the archive)' });
    expect(refusal(() => normaliseEntryName('a/../../x')).message).toBe('archive refused: a/../../x (path leaves the archive)');
    expect(refusal(() => normaliseEntryName('/etc/passwd')).message).toBe('archive refused: /etc/passwd (path leaves the archive)');
    expect(refusal(() => normaliseEntryName('C:\\x')).message).toBe('archive refused: C:\\x (path leaves the archive)');
    expect(refusal(() => normaliseEntryName('a\nb')).message).toBe('archive refused: "a\\nb" holds a control character');
    expect(refusal(() => normaliseEntryName(`${'x'.repeat(256)}.txt`)).message).toMatch(/has a name part over 255 bytes$/);
    expect(refusal(() => normaliseEntryName(Array.from({ length: 10 }, () => 'y'.repeat(200)).join('/'))).message).toMatch(/is a path over 1024 bytes$/);
  });
});

describe('EntryNames', () => {
  const clash = (...entries: [string, 'file' | 'dir'][]) =>
    refusal(() => {
      const names = new EntryNames();
      for (const [name, kind] of entries) names.add(normaliseEntryName(name)!, kind, name);
    }).message;

  it('refuses a file and a folder on one path, in either order', () => {
    expect(clash(['a', 'file'], ['a/b', 'file'])).toBe('archive refused: entries "a" and "a/b" clash ("a" would be both a file and a folder)');
    expect(clash(['a/b', 'file'], ['a', 'file'])).toBe('archive refused: entries "a/b" and "a" clash ("a" would be both a file and a folder)');
    expect(clash(['a/', 'dir'], ['a', 'file'])).toBe('archive refused: entries "a/" and "a" clash ("a" would be both a file and a folder)');
    expect(clash(['x/a', 'file'], ['x/a/b/c', 'dir'])).toBe('archive refused: entries "x/a" and "x/a/b/c" clash ("x/a" would be both a file and a folder)');
  });

  it('refuses the same file twice, however it is spelled', () => {
    expect(clash(['a/b.txt', 'file'], ['a/b.txt', 'file'])).toBe('archive refused: entries "a/b.txt" and "a/b.txt" clash (both name the file "a/b.txt")');
    expect(clash(['a/b.txt', 'file'], ['a\\b.txt', 'file'])).toBe('archive refused: entries "a/b.txt" and "a\\\\b.txt" clash (both name the file "a/b.txt")');
    expect(clash(['a/b.txt', 'file'], ['./a//b.txt', 'file'])).toBe('archive refused: entries "a/b.txt" and "./a//b.txt" clash (both name the file "a/b.txt")');
  });

  it('refuses names that differ only in letter case or Unicode normalisation', () => {
    expect(clash(['images/a.jpg', 'file'], ['Images/b.jpg', 'file'])).toBe(
      'archive refused: entries "images/a.jpg" and "Images/b.jpg" clash ("images" and "Images" differ only in letter case or Unicode form)',
    );
    expect(clash(['caf\u00e9', 'file'], ['cafe\u0301', 'file'])).toBe(
      'archive refused: entries "caf\u00e9" and "cafe\u0301" clash ("caf\u00e9" and "cafe\u0301" differ only in letter case or Unicode form)',
    );
  });

  it('accepts repeated folder entries and folders shared by files', () => {
    const names = new EntryNames();
    for (const [name, kind] of [
      ['d/', 'dir'],
      ['d/a.txt', 'file'],
      ['d/', 'dir'],
      ['d/e/b.txt', 'file'],
      ['d/e', 'dir'],
    ] as const)
      names.add(normaliseEntryName(name)!, kind, name);
  });
});
