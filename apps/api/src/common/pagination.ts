// Bounded cursor pagination shared by every list (CONTRIBUTING.md rule 8).
import { Brackets } from 'typeorm';
import { badInput } from './app-error';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | undefined | null, max = MAX_PAGE_SIZE, byDefault = DEFAULT_PAGE_SIZE): number {
  if (first === undefined || first === null) return byDefault;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`first must be an integer between 1 and ${max}, got ${first}`);
  return first;
}

/** Opaque cursors: base64url of a JSON value (a keyset, a sequence or a key). */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Whether a decoded value holds U+0000 in any string: a cursor's values reach SQL, and PostgreSQL text refuses NUL. */
const holdsNul = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes('\u0000') : Array.isArray(v) ? v.some(holdsNul) : typeof v === 'object' && v !== null && Object.entries(v).some(([k, x]) => k.includes('\u0000') || holdsNul(x));

/**
 * The value a cursor encodes, once `check` accepts it; BAD_USER_INPUT for anything else. A client can forge a cursor
 * (base64 is no secret), so its strings are checked for NUL here, as GraphQL's string inputs are (graphql/nul-inputs.ts).
 */
export function decodeCursor<T>(cursor: string | undefined | null, check: (v: unknown) => v is T): T | undefined {
  if (!cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(`after: malformed cursor "${cursor}"`);
  }
  if (holdsNul(value) || !check(value)) throw badInput(`after: malformed cursor "${cursor}"`);
  return value;
}

export const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * Where a keyset page starts: the sort key of the last row of the previous page and that row's id (any column that
 * is unique with the key). Rows created or deleted while a person pages cannot shift a keyset page, as they shift an
 * offset: nothing is shown twice, nothing present from the start is skipped.
 */
export interface Keyset {
  key: string | number;
  id: string | number;
}

const isKeyPart = (v: unknown): v is string | number => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const isKeysetTuple = (v: unknown): v is [string | number, string | number] => Array.isArray(v) && v.length === 2 && isKeyPart(v[0]) && isKeyPart(v[1]);

export type Direction = 'ASC' | 'DESC';

/**
 * A page of a list in keyset order (sort key, then id). `load` reads at most `limit` rows after `after` (all rows
 * from the start when absent) and the list's total; it is asked for one row more than the page to tell whether
 * another page follows. The cursor is opaque: base64url of [key, id].
 */
export async function keysetPage<T>(
  first: number | undefined | null,
  after: string | undefined | null,
  load: (after: Keyset | undefined, limit: number) => Promise<{ rows: T[]; total: number }>,
  keyOf: (row: T) => Keyset,
  bounds: { max?: number; byDefault?: number } = {},
): Promise<Page<T>> {
  const limit = pageSize(first, bounds.max, bounds.byDefault);
  const tuple = decodeCursor(after, isKeysetTuple);
  const { rows, total } = await load(tuple && { key: tuple[0], id: tuple[1] }, limit + 1);
  const nodes = rows.slice(0, limit);
  const last = nodes.at(-1);
  return { nodes, totalCount: total, endCursor: last ? encodeCursor([keyOf(last).key, keyOf(last).id]) : null, hasNextPage: rows.length > limit };
}

/**
 * The rows after `after` in the order `sort sortDir, id idDir`, as a TypeORM condition (plain comparisons, so both
 * drivers and their indexes serve it). `keySql` replaces the key parameter with an expression of the id, for a sort
 * column whose stored precision a JavaScript value cannot carry (PostgreSQL timestamps hold microseconds): the key is
 * then read from the anchor row itself.
 */
export function afterKeyset(sort: string, sortDir: Direction, id: string, idDir: Direction, after: Keyset, keySql?: string): Brackets {
  const op = (d: Direction) => (d === 'ASC' ? '>' : '<');
  const key = keySql ?? ':keysetKey';
  return new Brackets((w) =>
    w.where(`${sort} ${op(sortDir)} ${key}`, { keysetKey: after.key, keysetId: after.id }).orWhere(`(${sort} = ${key} AND ${id} ${op(idDir)} :keysetId)`, { keysetKey: after.key, keysetId: after.id }),
  );
}

/**
 * A page whose `totalCount` is a lazy getter: counting every match costs as much as the matches are many, so it runs
 * only when a client selects the field (GraphQL reads the property then, and awaits the promise). A resolver returns
 * it as its connection type (cast: the getter is a Promise GraphQL awaits).
 */
export class LazyCountPage<T> {
  private count?: Promise<number>;

  constructor(
    readonly nodes: T[],
    readonly pageInfo: { endCursor: string | null; hasNextPage: boolean },
    private readonly countMatches: () => Promise<number>,
  ) {}

  get totalCount(): Promise<number> {
    this.count ??= this.countMatches();
    return this.count;
  }

  /** The same page with its nodes mapped (e.g. entity → GraphQL type), still counting lazily. */
  map<U>(fn: (node: T) => U): LazyCountPage<U> {
    return new LazyCountPage(this.nodes.map(fn), this.pageInfo, () => this.totalCount);
  }
}
