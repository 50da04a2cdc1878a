// The one mapping from domain errors to GraphQL `extensions.code` (CONTRIBUTING.md rule 6).
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { ArgumentValidationError, AuthenticationError, AuthorizationError } from 'type-graphql';
import { EDGE_CODE_OF } from '@podium/registry';
import { AppError } from '../common/app-error';

type Logger = { error: (msg: string, stack?: string) => void };

const PASS_THROUGH = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'FAILED_PRECONDITION',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Maps codes used by the libs and features onto the api's codes: the registry's own table, plus the rest. */
const LIB_CODES: Record<string, string> = {
  ...EDGE_CODE_OF,
  RUN_NOT_FOUND: 'NOT_FOUND',
  PARAM_CONFLICT: 'CONFLICT',
  INVALID_FILTER: 'BAD_USER_INPUT',
  INVALID_LABEL: 'BAD_USER_INPUT',
};

interface CodedError {
  code: string;
  message: string;
  details?: unknown;
  gates?: unknown;
  position?: unknown;
}

function isCoded(e: unknown): e is CodedError {
  return e instanceof Error && typeof (e as any).code === 'string' && (e.name.endsWith('Error') || e instanceof AppError);
}

export function domainExtensions(e: unknown): { code: string; [k: string]: unknown } | undefined {
  if (e instanceof AppError) return { code: e.code, ...(e.details ?? {}) };
  if (e instanceof ArgumentValidationError) {
    return {
      code: 'BAD_USER_INPUT',
      validationErrors: e.extensions.validationErrors.map((v) => ({ property: v.property, constraints: v.constraints, children: v.children?.length ? v.children : undefined })),
    };
  }
  if (e instanceof AuthenticationError) return { code: 'UNAUTHENTICATED' };
  if (e instanceof AuthorizationError) return { code: 'FORBIDDEN' };
  if (isCoded(e) && LIB_CODES[e.code]) {
    const { code, message: _m, details, ...rest } = e as any;
    // Lib errors carry their structured data in `details` (some mirror it at the top level: take it once).
    const extra: Record<string, unknown> = {};
    if (details && typeof details === 'object') Object.assign(extra, details);
    else for (const k of Object.keys(rest)) if (k !== 'name' && k !== 'stack') extra[k] = rest[k];
    return { code: LIB_CODES[code], reason: code, ...extra };
  }
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
