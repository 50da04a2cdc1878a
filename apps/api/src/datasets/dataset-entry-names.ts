// Archive entry names: normalised to a safe relative POSIX path, and refused when two entries would land on one path.
import { badInput } from '../common/app-error';

const q = (name: string): string => JSON.stringify(name);

/** Longest name of one path part on the file systems we extract to (ext4, xfs, APFS, NTFS). */
const MAX_PART_BYTES = 255;
/** Longest relative path: the dataset columns (imagesDir, labelsDir) hold 1024 characters. */
const MAX_PATH_BYTES = 1024;

/**
 * The relative POSIX path an entry name stands for (`\` read as `/`, empty and `.` parts dropped), or null for the
 * archive's root itself. Refuses absolute paths, `..`, control characters and names a file system cannot hold.
 */
export function normaliseEntryName(raw: string): string | null {
  const name = raw.replace(/\\/g, '/');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw badInput(`archive refused: ${q(raw)} holds a control character`, { entries: [raw] });
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) throw badInput(`archive refused: ${raw} (path leaves the archive)`, { entries: [raw] });
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw badInput(`archive refused: ${raw} (path leaves the archive)`, { entries: [raw] });
  if (!parts.length) return null;
  if (parts.some((p) => Buffer.byteLength(p) > MAX_PART_BYTES)) throw badInput(`archive refused: ${q(raw)} has a name part over ${MAX_PART_BYTES} bytes`, { entries: [raw] });
  const path = parts.join('/');
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw badInput(`archive refused: ${q(raw)} is a path over ${MAX_PATH_BYTES} bytes`, { entries: [raw] });
  return path;
}

interface Seen {
  /** The path as spelled by the entry that introduced it. */
  spelled: string;
  kind: 'file' | 'dir';
  /** The raw name of that entry. */
  entry: string;
}

/**
 * The paths an extraction has seen. Two entries clash when they would land on one path with different meanings (a file
 * and a folder, in either order), when they name the same file twice, or when their paths differ only in letter case
 * or Unicode normalisation (one path on macOS and Windows, where workers unpack datasets too).
 */
export class EntryNames {
  private readonly seen = new Map<string, Seen>();

  add(path: string, kind: 'file' | 'dir', entry: string): void {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const spelled = i === parts.length ? path : parts.slice(0, i).join('/');
      const here: Seen['kind'] = i === parts.length ? kind : 'dir';
      const key = spelled.normalize('NFC').toLowerCase();
      const before = this.seen.get(key);
      if (!before) {
        this.seen.set(key, { spelled, kind: here, entry });
        continue;
      }
      if (before.spelled !== spelled) throw clash(before.entry, entry, `${q(before.spelled)} and ${q(spelled)} differ only in letter case or Unicode form`);
      if (before.kind !== here) throw clash(before.entry, entry, `${q(spelled)} would be both a file and a folder`);
      if (here === 'file') throw clash(before.entry, entry, `both name the file ${q(spelled)}`);
    }
  }
}

function clash(first: string, second: string, why: string) {
  return badInput(`archive refused: entries ${q(first)} and ${q(second)} clash (${why})`, { entries: [first, second] });
}
