// Splits a stream of chunks into lines with bounded memory, whatever the file's size or its lines' lengths.

/** A label row is ~40 characters; a longer line is reported, never held. */
export const MAX_LINE_BYTES = 4096;

/**
 * Calls `onLine(text, lineNumber)` for each line of `chunks` (`\n` or `\r\n` endings; the last line may lack one),
 * with `text` null for a line over `maxLineBytes`, which is skipped without being gathered.
 */
export function scanLines(chunks: Iterable<Buffer>, onLine: (text: string | null, line: number) => void, maxLineBytes = MAX_LINE_BYTES): void {
  let carry: Buffer | undefined;
  let carried = 0;
  let tooLong = false;
  let line = 0;
  const emit = (bytes: Buffer | null) => {
    line++;
    if (bytes === null) return onLine(null, line);
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    onLine(bytes.toString('utf8', 0, end), line);
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
          emit(chunk.subarray(start, end));
          start = end + 1;
          continue;
        } else {
          carry ??= Buffer.allocUnsafe(maxLineBytes);
          carried += chunk.copy(carry, carried, start, end);
        }
      }
      if (nl < 0) break;
      emit(tooLong ? null : carry!.subarray(0, carried));
      carried = 0;
      tooLong = false;
      start = end + 1;
    }
  }
  if (tooLong || carried > 0) emit(tooLong ? null : carry!.subarray(0, carried));
}
