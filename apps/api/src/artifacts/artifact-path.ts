// Validates the artifact path of a request URL: relative, no `.`/`..` segments (also when percent-encoded), no
// backslashes or NUL, at most 1024 bytes in all and 255 a segment (what file systems and object keys take, so a
// client can save the file under its own name).
import { AppError, badInput } from '../common/app-error';

export const MAX_ARTIFACT_PATH_LENGTH = 1024;
export const MAX_ARTIFACT_SEGMENT_LENGTH = 255;

/** Decodes the raw (still percent-encoded) path after `/artifacts/{runId}/` into a normalised relative path. */
export function artifactPathFromUrl(rawPath: string): string {
  if (rawPath === '') throw badInput('An artifact path is required: /artifacts/{runId}/{path}');
  if (rawPath.startsWith('/')) throw badInput(`Artifact path "${rawPath}" must be relative`, { path: rawPath });
  const segments = rawPath.split('/').map((raw) => {
    try {
      return decodeURIComponent(raw);
    } catch {
      throw badInput(`Artifact path segment "${raw}" is not valid percent-encoding`, { path: rawPath });
    }
  });
  return validateArtifactPath(segments.join('/'), rawPath);
}

/** Checks an already-decoded path. */
export function validateArtifactPath(path: string, shown = path): string {
  const refuse = (why: string): AppError => badInput(`Artifact path "${shown}" ${why}`, { path: shown });
  if (path === '') throw refuse('is empty');
  if (Buffer.byteLength(path) > MAX_ARTIFACT_PATH_LENGTH) throw refuse(`is longer than ${MAX_ARTIFACT_PATH_LENGTH} bytes`);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw refuse('must be relative');
  if (path.includes('\\') || path.includes('\0')) throw refuse('must not contain backslashes or NUL');
  for (const segment of path.split('/')) {
    if (segment === '') throw refuse('must not contain empty segments ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') throw refuse('must not contain "." or ".." segments');
    if (Buffer.byteLength(segment) > MAX_ARTIFACT_SEGMENT_LENGTH) throw refuse(`has a segment longer than ${MAX_ARTIFACT_SEGMENT_LENGTH} bytes`);
  }
  return path;
}
