// Reads a text file line by line through one reused buffer: bounded memory whatever the file's size or line lengths.
import { closeSync, openSync, readSync } from 'node:fs';

/** A label row is ~40 characters; a longer line is reported, never held. */
export const MAX_LINE_BYTES = 4096;

const CHUNK_BYTES = 256 * 1024;

/**
 * Calls `onLine(text, lineNumber)` for each line of `file` (`\n` or `\r\n` endings; the last line may lack one),
 * with `text` null for a line over `maxLineBytes`. Synchronous: it runs on the dataset intake thread, never on the
 * api's event loop.
 */
export function scanLines(file: string, onLine: (text: string | null, line: number) => void, maxLineBytes = MAX_LINE_BYTES): void {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  const carry = Buffer.allocUnsafe(maxLineBytes);
  let carried = 0;
  let tooLong = false;
  let line = 0;
  const emit = (bytes: Buffer | null) => {
    line++;
    if (bytes === null) return onLine(null, line);
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    onLine(bytes.toString('utf8', 0, end), line);
  };
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buf, 0, CHUNK_BYTES, null); n > 0; n = readSync(fd, buf, 0, CHUNK_BYTES, null)) {
      const view = buf.subarray(0, n);
      let start = 0;
      while (start < n) {
        const nl = view.indexOf(0x0a, start);
        const end = nl < 0 ? n : nl;
        const piece = end - start;
        if (!tooLong) {
          // A line within one chunk is read in place; one split across chunks gathers in `carry`.
          if (carried + piece > maxLineBytes) tooLong = true;
          else if (nl >= 0 && carried === 0) {
            emit(buf.subarray(start, end));
            start = end + 1;
            continue;
          } else {
            buf.copy(carry, carried, start, end);
            carried += piece;
          }
        }
        if (nl < 0) break;
        emit(tooLong ? null : carry.subarray(0, carried));
        carried = 0;
        tooLong = false;
        start = end + 1;
      }
    }
    if (tooLong || carried > 0) emit(tooLong ? null : carry.subarray(0, carried));
  } finally {
    closeSync(fd);
  }
}
