// Complexity of an operation: introspection is free, explicit field extensions come first, then lists multiply their children by `first`
// (the argument's declared default, else the default page size, when absent; fewer when a `keys` list names fewer
// items, as Run.metrics(keys:) does), then one per field.
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type * as QueryComplexity from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { createRequire } from 'node:module';
import { DEFAULT_PAGE_SIZE } from '../../common/pagination';

export const paginationEstimator: ComplexityEstimator = ({ args, field, childComplexity }) => {
  if (!field.args.some((a) => a.name === 'first')) return undefined;
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE_SIZE;
  const items = Array.isArray(args.keys) && args.keys.length > 0 ? Math.min(first, args.keys.length) : first;
  return 1 + items * Math.max(1, childComplexity);
};

// Loaded through require on purpose: its ESM build imports graphql's ESM entry, a second graphql realm next to the
// CommonJS one that type-graphql (and so the schema) uses; getComplexity then refuses the schema ("another realm").
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(__filename)('graphql-query-complexity') as typeof QueryComplexity;

/** Introspection costs nothing: Sandbox and Studio poll the (large) standard introspection query. */
export const introspectionEstimator: ComplexityEstimator = ({ field, type }) => (field.name.startsWith('__') || type.name.startsWith('__') ? 0 : undefined);

const ESTIMATORS = [introspectionEstimator, fieldExtensionsEstimator(), paginationEstimator, simpleEstimator({ defaultComplexity: 1 })];

export function operationComplexity(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null, variables?: Record<string, unknown> | null): number {
  return getComplexity({ schema, query: document, operationName: operationName ?? undefined, variables: variables ?? {}, estimators: ESTIMATORS });
}
