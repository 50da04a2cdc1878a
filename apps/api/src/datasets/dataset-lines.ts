// Splits a stream of chunks into lines with bounded memory, whatever the file's size or its lines' lengths.

/** A label row is ~40 characters; a longer line is reported, never held. */
export const MAX_LINE_BYTES = 4096;

/**
 * Calls `onLine(buf, start, end, lineNumber)` for each line of `chunks`: its bytes are `buf[start..end)` (`\n` or
 * `\r\n` endings not included; the last line may lack one), valid during the call only; `buf` is null for a line over
 * `maxLineBytes`, which is skipped without being gathered. No object is made per line: a hostile file of ten
 * million rows costs ten million calls, nothing more.
 */
export function scanLines(chunks: Iterable<Buffer>, onLine: (buf: Buffer | null, start: number, end: number, line: number) => void, maxLineBytes = MAX_LINE_BYTES): void {
  const carry = Buffer.allocUnsafe(maxLineBytes);
  let carried = 0;
  let tooLong = false;
  let line = 0;
  const emit = (buf: Buffer | null, start: number, end: number) => {
    line++;
    if (buf === null) return onLine(null, 0, 0, line);
    onLine(buf, start, end > start && buf[end - 1] === 0x0d ? end - 1 : end, line);
  };
  for (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!tooLong) {
        // A line within one chunk is read in place; one split across chunks gathers in `carry`.
        if (carried + end - start > maxLineBytes) tooLong = true;
        else if (nl >= 0 && carried === 0) {
          emit(chunk, start, end);
          start = end + 1;
          continue;
        } else carried += chunk.copy(carry, carried, start, end);
      }
      if (nl < 0) break;
      emit(tooLong ? null : carry, 0, carried);
      carried = 0;
      tooLong = false;
      start = end + 1;
    }
  }
  if (tooLong || carried > 0) emit(tooLong ? null : carry, 0, carried);
}
