// The page: Apollo (HTTP + graphql-ws), the session gate (token sign-in when needed) and the routes, each page
// loaded on demand so the first screen only carries the experiments list.
import { ApolloProvider } from '@apollo/client/react';
import { StrictMode, lazy, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { createApolloClient, createWsClient } from './api/client';
import { WsContext } from './api/ws-context';
import { Layout } from './components/Layout';
import { ExperimentsPage } from './pages/ExperimentsPage';
import { SessionGate } from './session';
import './styles.css';

const ExperimentPage = lazy(() => import('./pages/ExperimentPage'));
const RunPage = lazy(() => import('./pages/RunPage'));
const ComparePage = lazy(() => import('./pages/ComparePage'));
const EvaluationsPage = lazy(() => import('./pages/EvaluationsPage'));
const EvaluationPage = lazy(() => import('./pages/EvaluationPage'));
const ModelsPage = lazy(() => import('./pages/ModelsPage'));
const ModelPage = lazy(() => import('./pages/ModelPage'));
const VersionPage = lazy(() => import('./pages/VersionPage'));

const ws = createWsClient();
const client = createApolloClient(ws);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <WsContext.Provider value={ws}>
        <SessionGate>
          <BrowserRouter>
            <Layout>
              <Suspense fallback={<p className="muted">Loading…</p>}>
                <Routes>
                  <Route path="/" element={<ExperimentsPage />} />
                  <Route path="/experiments/:id" element={<ExperimentPage />} />
                  <Route path="/runs/:id" element={<RunPage />} />
                  <Route path="/compare" element={<ComparePage />} />
                  <Route path="/evaluations" element={<EvaluationsPage />} />
                  <Route path="/evaluations/:id" element={<EvaluationPage />} />
                  <Route path="/models" element={<ModelsPage />} />
                  <Route path="/models/:name" element={<ModelPage />} />
                  <Route path="/models/:name/versions/:version" element={<VersionPage />} />
                  <Route path="*" element={<p className="error">No page here.</p>} />
                </Routes>
              </Suspense>
            </Layout>
          </BrowserRouter>
        </SessionGate>
      </WsContext.Provider>
    </ApolloProvider>
  </StrictMode>,
);
