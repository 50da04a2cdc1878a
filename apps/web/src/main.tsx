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

const PAGES = {
  experiment: { path: /^\/experiments\/[^/]+$/, load: () => import('./pages/ExperimentPage') },
  run: { path: /^\/runs\/[^/]+$/, load: () => import('./pages/RunPage') },
  compare: { path: /^\/compare$/, load: () => import('./pages/ComparePage') },
  evaluations: { path: /^\/evaluations$/, load: () => import('./pages/EvaluationsPage') },
  evaluation: { path: /^\/evaluations\/[^/]+$/, load: () => import('./pages/EvaluationPage') },
  models: { path: /^\/models$/, load: () => import('./pages/ModelsPage') },
  model: { path: /^\/models\/[^/]+$/, load: () => import('./pages/ModelPage') },
  version: { path: /^\/models\/[^/]+\/versions\/[^/]+$/, load: () => import('./pages/VersionPage') },
};
// The code of the page opened by URL starts loading with the main bundle, not after the first render.
Object.values(PAGES)
  .find((p) => p.path.test(window.location.pathname))
  ?.load()
  .catch(() => undefined);

const ExperimentPage = lazy(PAGES.experiment.load);
const RunPage = lazy(PAGES.run.load);
const ComparePage = lazy(PAGES.compare.load);
const EvaluationsPage = lazy(PAGES.evaluations.load);
const EvaluationPage = lazy(PAGES.evaluation.load);
const ModelsPage = lazy(PAGES.models.load);
const ModelPage = lazy(PAGES.model.load);
const VersionPage = lazy(PAGES.version.load);

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
