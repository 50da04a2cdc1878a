// Dataset archives: safe extraction of an uploaded tar/zip, and the normalised tar the api serves to workers.
import { createWriteStream, mkdirSync, openSync, readdirSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { create as tarCreate, extract as tarExtract, list as tarList } from 'tar';
import yauzl from 'yauzl';
import { badInput } from '../common/app-error';
import type { DatasetFile } from './dataset-files';

function unsafePath(name: string): boolean {
  const p = name.replace(/\\/g, '/');
  return p.startsWith('/') || /^[a-zA-Z]:/.test(p) || p.split('/').includes('..');
}

function archiveKind(file: string): 'zip' | 'tar' {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head[0] === 0x50 && head[1] === 0x4b ? 'zip' : 'tar';
}

const tooBig = (max: number) => badInput(`archive refused: its files add up to more than ${max} bytes`);

/**
 * Extracts a tar (optionally gzipped) or zip into `dest`, refusing links, devices, paths that leave `dest`, and
 * content over `maxBytes` once extracted (a small compressed upload must not fill the disk).
 */
export async function extractArchive(file: string, dest: string, maxBytes: number): Promise<void> {
  mkdirSync(dest, { recursive: true });
  if (archiveKind(file) === 'zip') return extractZip(file, dest, maxBytes);
  const refused: string[] = [];
  let total = 0;
  try {
    await tarList({
      file,
      strict: true,
      onReadEntry: (entry) => {
        if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory' && entry.type !== 'ContiguousFile') refused.push(`${entry.path} (${entry.type})`);
        else if (unsafePath(entry.path)) refused.push(`${entry.path} (path leaves the archive)`);
        total += entry.size ?? 0;
      },
    });
  } catch (e) {
    throw badInput(`not a readable tar or zip archive: ${(e as Error).message}`);
  }
  if (refused.length) throw badInput(`archive refused: only plain files and folders are accepted: ${refused.slice(0, 5).join(', ')}`);
  if (total > maxBytes) throw tooBig(maxBytes);
  await tarExtract({ file, cwd: dest, strict: true, preservePaths: false, noChmod: true });
}

function extractZip(file: string, dest: string, maxBytes: number): Promise<void> {
  let total = 0;
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(badInput(`not a readable zip archive: ${err?.message ?? 'unknown error'}`));
      const fail = (e: Error) => {
        zip.close();
        reject(e);
      };
      zip.on('error', (e: Error) => fail(badInput(`zip archive unreadable: ${e.message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        if (unsafePath(name)) return fail(badInput(`archive refused: ${name} (path leaves the archive)`));
        if (mode === 0o120000) return fail(badInput(`archive refused: ${name} is a symbolic link; only plain files are accepted`));
        // yauzl checks each entry's real size against the declared one (validateEntrySizes).
        total += entry.uncompressedSize;
        if (total > maxBytes) return fail(tooBig(maxBytes));
        const target = join(dest, name);
        if (name.endsWith('/')) {
          mkdirSync(target, { recursive: true });
          return zip.readEntry();
        }
        mkdirSync(dirname(target), { recursive: true });
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(badInput(`zip entry ${name} unreadable: ${e?.message}`));
          pipeline(stream, createWriteStream(target)).then(() => zip.readEntry(), (pe: Error) => fail(pe));
        });
      });
      zip.readEntry();
    });
  });
}

/** An archive of one folder (`coco128/…`) is the same dataset as the folder's content: use that folder as the root. */
export function datasetRoot(dir: string): string {
  const entries = readdirSync(dir).filter((n) => n !== '__MACOSX');
  if (entries.length === 1 && statSync(join(dir, entries[0])).isDirectory()) return datasetRoot(join(dir, entries[0]));
  return dir;
}

/**
 * Writes the dataset as a normalised tar: files only, in digest order, no owners or times, so the same content
 * always gives the same bytes. Written beside `dest` and renamed into place, so a reader never sees half a file.
 */
export async function writeNormalisedTar(root: string, files: DatasetFile[], dest: string): Promise<number> {
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
  try {
    await tarCreate({ file: tmp, cwd: root, portable: true, noMtime: true, noDirRecurse: true }, files.map((f) => f.path));
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return statSync(dest).size;
}
