// The runs table's filter box speaks Podium's search language; the api parses it and answers a mistake with
// BAD_USER_INPUT, `reason: INVALID_FILTER`, a 0-based `position` and the `input` it refers to (`filter` or
// `orderBy[i]`). This turns such an error into what the box shows: the message and a caret under the position.

export interface GraphqlErrorLike {
  message: string;
  extensions?: Record<string, unknown> | null;
}

export interface FilterProblem {
  /** `filter`, or `orderBy[i]` for an order term. */
  input: string;
  message: string;
  /** 0-based offset into the input, clamped to its length (the end of the text for "unexpected end"). */
  position: number;
  /** The input split around the position, to underline the offending character. */
  before: string;
  at: string;
  after: string;
}

/** The first search-language error among `errors`, located in `text` (the filter) or in `orderBy`; null when none. */
export function filterProblemOf(errors: readonly GraphqlErrorLike[] | undefined, text: string, orderBy: readonly string[] = []): FilterProblem | null {
  const e = errors?.find((x) => x.extensions?.reason === 'INVALID_FILTER' || typeof x.extensions?.position === 'number');
  if (!e) return null;
  const input = typeof e.extensions?.input === 'string' ? e.extensions.input : 'filter';
  const orderIndex = /^orderBy\[(\d+)\]$/.exec(input);
  const source = orderIndex ? (orderBy[Number(orderIndex[1])] ?? '') : text;
  const raw = e.extensions?.position;
  const position = typeof raw === 'number' && Number.isFinite(raw) ? Math.max(0, Math.min(Math.trunc(raw), source.length)) : source.length;
  // Surrogate pairs are kept whole so the caret never splits an emoji in two.
  const cp = source.codePointAt(position);
  const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
  return {
    input,
    message: e.message,
    position,
    before: source.slice(0, position),
    at: source.slice(position, position + width),
    after: source.slice(position + width),
  };
}
