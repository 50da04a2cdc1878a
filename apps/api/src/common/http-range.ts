// `Range: bytes=…` of a download (RFC 9110 §14): one range is served 206; a malformed header, another unit or several
// ranges are ignored (the whole body, 200, as the RFC allows); a range past the end is 416 with `content-range: */size`.
import type { Request, Response } from 'express';
import { AppError } from './app-error';
import type { ByteRange } from '../artifacts/artifact-store';

/** The one byte range asked for, clamped to `size`; undefined for the whole body. Throws RANGE_NOT_SATISFIABLE. */
export function byteRangeOf(req: Request, res: Response, size: number): ByteRange | undefined {
  if (!req.headers.range) return undefined;
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) {
    res.setHeader('content-range', `bytes */${size}`);
    throw new AppError('RANGE_NOT_SATISFIABLE', `Range "${req.headers.range.slice(0, 100)}" is outside the ${size} bytes of the file`, { size });
  }
  if (ranges === undefined || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return { start: ranges[0].start, end: ranges[0].end };
}

/** Status and headers of a download's body: 206 with `content-range` for a range, else 200; always `accept-ranges`. */
export function startDownload(res: Response, size: number, range: ByteRange | undefined): void {
  res.setHeader('accept-ranges', 'bytes');
  if (range) {
    res.status(206);
    res.setHeader('content-range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('content-length', String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader('content-length', String(size));
  }
}
