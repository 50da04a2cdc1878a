// LIKE patterns made portable: `%` any run, `_` one character, `\` escapes; case-sensitive on both databases.
// SQLite's LIKE ignores ASCII case and its case_sensitive_like pragma is per connection, so case-sensitive LIKE
// becomes GLOB there (which is case-sensitive), with GLOB's own wildcards escaped as character classes.

type Segment = { kind: 'literal'; char: string } | { kind: 'any' } | { kind: 'one' };

function segments(pattern: string): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out.push({ kind: 'literal', char: pattern[++i] });
    else if (c === '%') out.push({ kind: 'any' });
    else if (c === '_') out.push({ kind: 'one' });
    else out.push({ kind: 'literal', char: c });
  }
  return out;
}

/** The pattern for PostgreSQL LIKE/ILIKE and SQLite LIKE … ESCAPE '\' (a trailing lone backslash becomes literal). */
export function toLikePattern(pattern: string): string {
  return segments(pattern)
    .map((s) => (s.kind === 'any' ? '%' : s.kind === 'one' ? '_' : s.char === '%' || s.char === '_' || s.char === '\\' ? `\\${s.char}` : s.char))
    .join('');
}

/** The same pattern as a SQLite GLOB (case-sensitive): `*`, `?`, and `[*]`, `[?]`, `[[]` for literal metacharacters. */
export function toGlobPattern(pattern: string): string {
  return segments(pattern)
    .map((s) => (s.kind === 'any' ? '*' : s.kind === 'one' ? '?' : s.char === '*' || s.char === '?' || s.char === '[' ? `[${s.char}]` : s.char))
    .join('');
}
