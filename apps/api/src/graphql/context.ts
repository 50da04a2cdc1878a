// The per-operation context: who is calling, and the request's DataLoaders (created lazily, one per name).
import DataLoader from 'dataloader';
import type { Identity } from '../auth/roles';

/** The running app's container (Nest's ModuleRef), as the context carries it. */
export interface ServiceLocator {
  get<T>(cls: abstract new (...args: any[]) => T): T;
}

export interface GraphqlContext {
  identity: Identity | null;
  /** Why there is no identity (shown by the auth checker), e.g. "no Authorization header". */
  authProblem?: string;
  loaders: Map<string, DataLoader<any, any>>;
  /** Set on graphql-ws operations. */
  connectionId?: string;
  /**
   * The app's services: type-graphql calls a `@Subscription({ subscribe })` function without a resolver instance, so
   * the subscription takes its (injected) stream service from the app that runs the operation (serviceOf below).
   */
  services: ServiceLocator;
}

export function newContext(services: ServiceLocator, identity: Identity | null, authProblem?: string): GraphqlContext {
  return { identity, authProblem, loaders: new Map(), services };
}

/** The app's instance of `cls`, for a subscription's `subscribe` function. */
export function serviceOf<T>(ctx: GraphqlContext, cls: abstract new (...args: any[]) => T): T {
  return ctx.services.get(cls);
}

/** The request-scoped loader registered under `name` (CONTRIBUTING.md rule 4: field resolvers batch through DataLoader). */
export function loader<K, V>(ctx: GraphqlContext, name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>): DataLoader<K, V> {
  let l = ctx.loaders.get(name);
  if (!l) {
    l = new DataLoader<K, V>(batch, { maxBatchSize: 1000 });
    ctx.loaders.set(name, l);
  }
  return l as DataLoader<K, V>;
}
