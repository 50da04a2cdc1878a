// The one mapping from domain errors to GraphQL `extensions.code` (CONTRIBUTING.md rule 6).
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { ArgumentValidationError, AuthenticationError, AuthorizationError } from 'type-graphql';
import { EDGE_CODE_OF, RegistryError } from '@podium/registry';
import { AppError, ERROR_CODES } from '../common/app-error';
import { SearchFilterError } from '../runs/search/search-filter-error';

type Logger = { error: (msg: string, stack?: string) => void };

/** Codes that reach the formatter already set: the code table's, and Apollo's own for a request it refused. */
const PASS_THROUGH = new Set<string>([
  ...Object.values(ERROR_CODES).map((row) => row.graphql),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function domainExtensions(e: unknown): { code: string; [k: string]: unknown } | undefined {
  if (e instanceof AppError) return { code: ERROR_CODES[e.code].graphql, ...(e.details ?? {}) };
  // The typed errors of a lib and of the search language, each by its own class: their code is the reason.
  if (e instanceof RegistryError) return { code: ERROR_CODES[EDGE_CODE_OF[e.code]].graphql, reason: e.code, ...(e.details ?? {}) };
  if (e instanceof SearchFilterError) return { code: ERROR_CODES.BAD_USER_INPUT.graphql, reason: e.code, position: e.position, input: e.input };
  if (e instanceof ArgumentValidationError) {
    return {
      code: 'BAD_USER_INPUT',
      validationErrors: e.extensions.validationErrors.map((v) => ({ property: v.property, constraints: v.constraints, children: v.children?.length ? v.children : undefined })),
    };
  }
  if (e instanceof AuthenticationError) return { code: 'UNAUTHENTICATED' };
  if (e instanceof AuthorizationError) return { code: 'FORBIDDEN' };
  return undefined;
}

export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const ext = domainExtensions(original);
    if (ext) {
      const message = original instanceof ArgumentValidationError ? validationMessage(original) : (original as Error).message;
      return { message, locations: formatted.locations, path: formatted.path, extensions: ext };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code && PASS_THROUGH.has(code)) return formatted;
    if (original instanceof GraphQLError && !original.originalError) {
      // Errors raised by graphql-js itself (bad enum value, unknown field…) are the caller's.
      return { ...formatted, extensions: { ...formatted.extensions, code: code ?? 'BAD_USER_INPUT' } };
    }
    logger.error(`unexpected error: ${(original as Error)?.message}`, (original as Error)?.stack);
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

function validationMessage(e: ArgumentValidationError): string {
  const parts: string[] = [];
  const walk = (errs: typeof e.extensions.validationErrors, prefix: string) => {
    for (const v of errs) {
      const path = prefix ? `${prefix}.${v.property}` : v.property;
      for (const msg of Object.values(v.constraints ?? {})) parts.push(`${path}: ${msg}`);
      if (v.children?.length) walk(v.children, path);
    }
  };
  walk(e.extensions.validationErrors, '');
  return parts.length ? `Invalid input: ${parts.join('; ')}` : 'Invalid input';
}
