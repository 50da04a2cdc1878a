// "Load more" under a list read in pages: one button and one way to append the next page's nodes, for every list page.

interface Connection {
  readonly nodes: readonly unknown[];
  readonly totalCount?: number | null;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor?: string | null };
}

/** The button while the connection has another page; `more` fetches the page after `endCursor`. */
export function LoadMore({ conn, more }: { conn: Connection | undefined; more: (after: string | null | undefined) => unknown }) {
  if (!conn?.pageInfo.hasNextPage) return null;
  return (
    <button type="button" onClick={() => void more(conn.pageInfo.endCursor)}>
      Load more{typeof conn.totalCount === 'number' ? ` (${conn.nodes.length} of ${conn.totalCount})` : ''}
    </button>
  );
}

/** Apollo's `updateQuery` for `fetchMore`: the next page's connection under `field`, with the nodes already shown first. */
export function appendNodes<K extends string>(field: K) {
  return <Q extends { [k in K]: { nodes: readonly unknown[] } }>(prev: Q, { fetchMoreResult }: { fetchMoreResult: Q }): Q => ({
    ...fetchMoreResult,
    [field]: { ...fetchMoreResult[field], nodes: [...prev[field].nodes, ...fetchMoreResult[field].nodes] },
  });
}
