// The offline GraphQL explorer at /graphiql: GraphiQL bundled with its Monaco editor and workers (nothing from a
// CDN), queries over HTTP and subscriptions over graphql-ws, both with this tab's token (never shown or stored by
// GraphiQL: the fetcher adds it).
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql-page.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { authorization } from '../api/auth';
import { createWsClient } from '../api/client';

const auth = authorization();
const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  headers: auth ? { authorization: auth } : {},
  wsClient: createWsClient(),
});

const DEFAULT_QUERY = `# Podium's GraphQL api, offline. Ctrl-Enter runs the operation under the cursor.
# Back to the page: /
query Experiments {
  viewer { name role }
  experiments(first: 10) { totalCount nodes { id name } }
}

# Live metric points of a run (replays stored points first):
# subscription Live { metricBatchLogged(runId: "<shortId>") { lastSequence points { key step value } } }
`;

// A link can carry an operation to open: /graphiql?query=…&variables=… (never a token).
const link = new URLSearchParams(window.location.search);

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} initialQuery={link.get('query') ?? undefined} initialVariables={link.get('variables') ?? undefined} shouldPersistHeaders={false} />
  </StrictMode>,
);
