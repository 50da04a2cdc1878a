// How a downloaded artifact is presented to a browser. The stored content type is whatever the uploader sent, so it
// is never trusted to be harmless: only raster images (PNG, JPEG, WebP) and plain text or CSV are shown inline, under
// a canonical type, with `nosniff` (the browser may not second-guess it) and a CSP that runs nothing. Everything else
// (SVG and HTML included: they carry script) is an attachment, so an uploaded file cannot become a stored XSS.

const INLINE: Record<string, string> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/webp': 'image/webp',
  'text/plain': 'text/plain; charset=utf-8',
  'text/csv': 'text/csv; charset=utf-8',
};

export interface ArtifactPresentation {
  contentType: string;
  disposition: string;
}

/** The response's content type and content disposition for an artifact stored under `storedType` at `path`. */
export function presentArtifact(storedType: string, path: string): ArtifactPresentation {
  const name = path.split('/').pop() || path;
  const base = storedType.split(';')[0].trim().toLowerCase();
  const inline = INLINE[base];
  const filename = `filename*=UTF-8''${encodeURIComponent(name)}`;
  if (inline) return { contentType: inline, disposition: `inline; ${filename}` };
  return { contentType: storedType, disposition: `attachment; ${filename}` };
}

/** Headers every artifact download carries, inline or not. */
export const ARTIFACT_SAFETY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
};
