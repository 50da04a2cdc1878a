import { describe, expect, it } from 'vitest';
import { scanLines } from './dataset-lines';

/** `content` in chunks of `size` bytes, as a source yields them. */
function* chunked(content: Buffer, size: number): Iterable<Buffer> {
  for (let i = 0; i < content.length; i += size) yield content.subarray(i, i + size);
}

describe('scanLines', () => {
  const linesOf = (content: string | Buffer, maxLineBytes?: number, chunk = 256 * 1024) => {
    const out: [string | null, number][] = [];
    scanLines(chunked(Buffer.from(content), chunk), (buf, start, end, n) => void out.push([buf && buf.toString('utf8', start, end), n]), maxLineBytes);
    return out;
  };

  it('gives the lines of split(/\\r?\\n/) with their numbers, a last line without an ending included, however chunked', () => {
    const text = 'a b\r\n\nc\n  d  \r\ne';
    for (const size of [1, 2, 3, 5, 64]) expect(linesOf(text, undefined, size)).toEqual(text.split(/\r?\n/).map((l, i) => [l, i + 1]));
    expect(linesOf('x\n')).toEqual([['x', 1]]);
    expect(linesOf('')).toEqual([]);
  });

  it('passes a line over the bound as null without holding it, and goes on with the next', () => {
    expect(linesOf(`short\n${'y'.repeat(100)}\nafter\n${'z'.repeat(11)}`, 10)).toEqual([
      ['short', 1],
      [null, 2],
      ['after', 3],
      [null, 4],
    ]);
  });

  it('joins lines that straddle chunks, and numbers 1,000,000 lines', () => {
    const long = 'q'.repeat(3000);
    const lines = Array.from({ length: 200 }, (_, i) => `${i} ${long}`);
    expect(linesOf(lines.join('\n')).map(([t]) => t)).toEqual(lines);
    const many = linesOf(Buffer.alloc(2_000_000, 'x\n'));
    expect(many).toHaveLength(1_000_000);
    expect(many[999_999]).toEqual(['x', 1_000_000]);
  });
});
