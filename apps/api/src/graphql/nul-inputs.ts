// U+0000 (NUL) is refused in every GraphQL string input, variables and inline literals alike, before anything resolves:
// PostgreSQL text cannot hold it (the driver's error surfaced as INTERNAL_SERVER_ERROR) and SQLite would store it, so
// one check here, on HTTP (Apollo plugin) and graphql-ws (onSubscribe), answers BAD_USER_INPUT on both databases
// whatever the field: names, descriptions, keys, params, tags, filters, ids.
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { type ArgumentNode, type DirectiveNode, type DocumentNode, type FragmentDefinitionNode, getOperationAST, GraphQLError, Kind, type SelectionSetNode, type ValueNode } from 'graphql';

const hasNul = (s: string): boolean => s.indexOf('\u0000') !== -1;

/** Whether a variable value holds a NUL anywhere: the hot path (a 1,000-point logMetrics), so no path is built here. */
function holdsNul(v: unknown): boolean {
  if (typeof v === 'string') return hasNul(v);
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (holdsNul(v[i])) return true;
    return false;
  }
  for (const k in v) if (holdsNul((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** The path of the first string containing NUL in a variable value, e.g. `$input.metrics[3].key`. */
function inValue(v: unknown, path: string): string | undefined {
  if (typeof v === 'string') return hasNul(v) ? path : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = inValue(v[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const k of Object.keys(v)) {
    const found = inValue((v as Record<string, unknown>)[k], `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

/** The same in an inline literal, e.g. `createRun(input).tags[0].value`. */
function inLiteral(v: ValueNode, path: string): string | undefined {
  switch (v.kind) {
    case Kind.STRING:
      return hasNul(v.value) ? path : undefined;
    case Kind.LIST:
      for (let i = 0; i < v.values.length; i++) {
        const found = inLiteral(v.values[i], `${path}[${i}]`);
        if (found) return found;
      }
      return undefined;
    case Kind.OBJECT:
      for (const f of v.fields) {
        const found = inLiteral(f.value, `${path}.${f.name.value}`);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

function inArguments(args: readonly ArgumentNode[] | undefined, owner: string): string | undefined {
  for (const a of args ?? []) {
    const found = inLiteral(a.value, `${owner}(${a.name.value})`);
    if (found) return found;
  }
  return undefined;
}

function inDirectives(directives: readonly DirectiveNode[] | undefined): string | undefined {
  for (const d of directives ?? []) {
    const found = inArguments(d.arguments, `@${d.name.value}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Where the operation's input holds a NUL: the argument path (a variable `$name.field[i]`, or an inline argument
 * `field(arg).field[i]`), or undefined when there is none. Variables are checked whole (they are what the client sent).
 */
export function findNulInput(document: DocumentNode, operationName?: string | null, variables?: Record<string, unknown> | null): string | undefined {
  if (variables && holdsNul(variables)) {
    for (const [name, value] of Object.entries(variables)) {
      const found = inValue(value, `$${name}`);
      if (found) return found;
    }
  }
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return undefined;
  for (const d of operation.variableDefinitions ?? []) {
    const found = d.defaultValue && inLiteral(d.defaultValue, `$${d.variable.name.value}`);
    if (found) return found;
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, prefix: string): string | undefined => {
    for (const sel of set.selections) {
      let found = inDirectives(sel.directives);
      if (found) return found;
      if (sel.kind === Kind.FIELD) {
        const name = `${prefix}${sel.alias?.value ?? sel.name.value}`;
        found = inArguments(sel.arguments, name) ?? (sel.selectionSet && walk(sel.selectionSet, `${name}.`));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        found = walk(sel.selectionSet, prefix);
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        found = fragment && walk(fragment.selectionSet, prefix);
      }
      if (found) return found;
    }
    return undefined;
  };
  return inDirectives(operation.directives) ?? walk(operation.selectionSet, '');
}

/** BAD_USER_INPUT naming the argument path, or undefined when the operation holds no NUL. */
export function nulInputError(document: DocumentNode, operationName?: string | null, variables?: Record<string, unknown> | null): GraphQLError | undefined {
  const path = findNulInput(document, operationName, variables);
  return path === undefined ? undefined : nulError(path);
}

function nulError(argument: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${argument} contains U+0000 (NUL), which no text input accepts`, { extensions: { code: 'BAD_USER_INPUT', argument, ...extra } });
}

/** Apollo plugin: refuses an operation with NUL in its input once it is parsed and validated, before it executes (HTTP 400). */
export function refuseNulPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const path = findNulInput(rc.document, rc.operationName, rc.request.variables);
          // Apollo takes `http` off the extensions and answers with its status.
          if (path !== undefined) throw nulError(path, { http: { status: 400 } });
        },
      };
    },
  };
}

/**
 * Express middleware for the REST routes (artifacts, datasets): a URL whose path or query holds a percent-encoded NUL
 * is refused before any controller reads it, with the routes' error shape. /graphql has its own check (above).
 */
export function refuseNulInUrl(req: Request, res: Response, next: NextFunction): void {
  const url = req.originalUrl;
  if (!/%00/i.test(url) || url.startsWith('/graphql')) return next();
  const [path, query = ''] = url.split('?', 2);
  let argument = 'path';
  if (!/%00/i.test(path)) {
    const param = query.split('&').find((p) => /%00/i.test(p)) ?? '';
    argument = `query.${safeDecode(param.split('=')[0])}`;
  }
  res.status(400).json({ error: { code: 'BAD_USER_INPUT', message: `The URL's ${argument} contains U+0000 (NUL, %00), which no input accepts`, argument } });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' ')).split('\u0000').join('\\0');
  } catch {
    return s;
  }
}
