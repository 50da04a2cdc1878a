// Which requests the page answers. The api's own prefixes keep priority (their unknown paths stay JSON 404s), a
// path that looks like a file is a file or a 404, and any other GET that accepts HTML is a route of the single-page
// app, answered with index.html.

/** Prefixes owned by the api (today's and announced ones). Matched on whole path segments. */
export const API_PREFIXES = ['/graphql', '/artifacts', '/datasets', '/evaluation-jobs', '/api', '/ajax-api', '/healthz', '/readyz', '/metrics'];

export type WebTarget = { kind: 'api' } | { kind: 'graphiql' } | { kind: 'asset' } | { kind: 'file' } | { kind: 'app' } | { kind: 'none' };

export function isApiPath(path: string): boolean {
  const p = path.toLowerCase();
  return API_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
}

/**
 * `accept` as the browser sends it on navigation (text/html) or any-type; an api client asking for JSON, or sending no
 * Accept at all (scripts, supertest), gets JSON: its unknown route is the house 404, not the page.
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return /(^|,)\s*(text\/html|\*\/\*)/i.test(accept);
}

/** `.`/`..` segments, also percent-encoded, and malformed encodings: no file is looked up for such a path. */
function hasDotSegment(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return /(^|[/\\])\.\.?([/\\]|$)/.test(decoded);
}

export function classify(method: string, path: string, accept: string | undefined): WebTarget {
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'none' };
  if (hasDotSegment(path)) return { kind: 'none' };
  if (isApiPath(path)) return { kind: 'api' };
  if (path === '/graphiql' || path === '/graphiql/') return { kind: 'graphiql' };
  if (path.startsWith('/assets/')) return { kind: 'asset' };
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (last.includes('.')) return { kind: 'file' };
  return acceptsHtml(accept) ? { kind: 'app' } : { kind: 'none' };
}
