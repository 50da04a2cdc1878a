// The security headers of the page and of GraphiQL. The page runs only its own bundled code: no inline script or
// style, no eval, nothing from another origin (no CDN, no web font); it talks to this origin only (HTTP and
// graphql-ws). GraphiQL's Monaco editor inserts <style> elements at run time, so /graphiql also allows inline styles.
const COMMON = [
  "default-src 'self'",
  "script-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

export const PAGE_CSP = [...COMMON, "style-src 'self'"].join('; ');
export const GRAPHIQL_CSP = [...COMMON, "style-src 'self' 'unsafe-inline'"].join('; ');

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
}

/** index.html and graphiql.html change with every build: always revalidate. */
export const NO_CACHE = 'no-cache';
/** Files under /assets/ carry a content hash in their name: cache them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
