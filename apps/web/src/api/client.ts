// Apollo Client for queries and mutations over HTTP, subscriptions over graphql-ws (one socket for the page), both
// carrying the tab's token. Metric streams use the same graphql-ws client directly (metric-stream.ts).
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient, type Client } from 'graphql-ws';
import { authorization } from './auth';

/** Close codes after which retrying cannot help: refused (4401) or revoked/expired (4403) credentials. */
const FINAL_CLOSE_CODES = new Set([4401, 4403]);

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql`;
}

export function createWsClient(): Client {
  return createClient({
    url: wsUrl(),
    lazy: true,
    keepAlive: 15_000,
    retryAttempts: Infinity,
    // Reconnect after any drop except a refused token; subscriptions resubscribe (metric streams with afterSequence).
    shouldRetry: (e) => !(e && typeof e === 'object' && 'code' in e && FINAL_CLOSE_CODES.has((e as CloseEvent).code)),
    retryWait: async (retries) => new Promise((r) => setTimeout(r, Math.min(250 * 2 ** retries, 5_000))),
    connectionParams: () => {
      const a = authorization();
      return a ? { authorization: a } : {};
    },
  });
}

export function createApolloClient(ws: Client): ApolloClient {
  const auth = new SetContextLink((prev) => {
    const a = authorization();
    return a ? { headers: { ...prev.headers, authorization: a } } : {};
  });
  const http = ApolloLink.from([auth, new HttpLink({ uri: '/graphql' })]);
  const link = ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    http,
  );
  return new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        // Keyed by name (unique): the registry pages refer to models by name.
        RegisteredModel: { keyFields: ['name'] },
        ModelVersion: { keyFields: ['modelName', 'version'] },
        ModelVersionTransition: { keyFields: ['modelName', 'seq'] },
        // Metric summaries and params are values of a run, not entities.
        MetricSummary: { keyFields: false },
        KeyValue: { keyFields: false },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
}
