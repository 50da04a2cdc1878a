// GraphQL errors out of whatever Apollo Client or graphql-ws hands back, with their extensions.
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphqlErrorLike } from '../lib/filter-error';

export function graphqlErrors(error: unknown): GraphqlErrorLike[] {
  if (!error) return [];
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => ({ message: e.message, extensions: (e.extensions ?? null) as Record<string, unknown> | null }));
  // A non-2xx answer (401 for a bad token, 413, 429) still carries GraphQL errors in its body.
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: GraphqlErrorLike[] };
      if (Array.isArray(body.errors) && body.errors.length) return body.errors.filter((e) => e && typeof e.message === 'string');
    } catch {
      // not JSON: the status line below
    }
    return [{ message: error.message, extensions: { httpStatus: error.statusCode } }];
  }
  if (Array.isArray(error)) return error.filter((e) => e && typeof e.message === 'string');
  if (error instanceof Error) return [{ message: error.message, extensions: null }];
  return [{ message: String(error), extensions: null }];
}

export function errorCode(error: unknown): string | null {
  if (ServerError.is(error) && error.statusCode === 401) return 'UNAUTHENTICATED';
  const e = graphqlErrors(error).find((x) => typeof x.extensions?.code === 'string');
  return (e?.extensions?.code as string | undefined) ?? null;
}

export function errorMessage(error: unknown): string {
  return graphqlErrors(error)
    .map((e) => (typeof e.extensions?.code === 'string' ? `${e.extensions.code}: ${e.message}` : e.message))
    .join('\n');
}
