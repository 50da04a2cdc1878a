// Bounded cursor pagination shared by every list (CONTRIBUTING.md rule 8).
import { badInput } from './app-error';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be an integer between 1 and ${MAX_PAGE_SIZE}, got ${first}`);
  return first;
}

/** Opaque cursors: base64url of a JSON value (an offset, a sequence or a sort key). */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined | null, check: (v: unknown) => v is T): T | undefined {
  if (!cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(`after: malformed cursor "${cursor}"`);
  }
  if (!check(value)) throw badInput(`after: malformed cursor "${cursor}"`);
  return value;
}

export const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

/** A page of a list paged by offset (the cursor is the offset where the next page starts); `load` reads the rows. */
export async function offsetPage<T>(
  first: number | undefined | null,
  after: string | undefined | null,
  load: (offset: number, limit: number) => Promise<{ rows: T[]; total: number }>,
): Promise<Page<T>> {
  const limit = pageSize(first);
  const offset = decodeCursor(after, isNonNegativeInt) ?? 0;
  const { rows, total } = await load(offset, limit);
  const end = offset + rows.length;
  return { nodes: rows, totalCount: total, endCursor: rows.length ? encodeCursor(end) : null, hasNextPage: end < total };
}
