// Starts the real api on an ephemeral port for e2e suites, with supertest and graphql-ws helpers.
import 'reflect-metadata';
import { createClient, type Client } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { type CreateAppOptions, createPodiumApp, type PodiumApp } from '../../src/app.factory';
import { type AppConfig, loadConfig } from '../../src/config/app-config';
import { createTestDatabase, type TestDatabase, type TestDialect } from './databases';

export interface TestApp {
  podium: PodiumApp;
  db: TestDatabase;
  /** POST a GraphQL operation; returns the parsed body ({ data, errors }). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ data?: T; errors?: any }>;
  /** The same, for an operation that must succeed: its data, or a throw with the errors. */
  data<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T>;
  /** A graphql-ws client connected to this app (closed by close()). */
  ws(connectionParams?: Record<string, unknown>): Client;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startTestApp(dialect: TestDialect, overrides: Partial<AppConfig> = {}, appOptions: CreateAppOptions = { logger: ['error'] }): Promise<TestApp | undefined> {
  const db = await createTestDatabase(dialect);
  if (!db) return undefined;
  const config = loadConfig({}, { ...db.config, port: 0, host: '127.0.0.1', localWorker: false, seedDemo: false, logLevel: 'error', ...overrides });
  const podium = await createPodiumApp(config, appOptions);
  const clients: Client[] = [];
  const server = podium.app.getHttpServer();
  const gql: TestApp['gql'] = async (query, variables, headers = {}) => {
    const res = await request(server).post('/graphql').set('content-type', 'application/json').set(headers).send({ query, variables });
    return res.body;
  };
  return {
    podium,
    db,
    gql,
    data: async (query, variables, headers) => {
      const res = await gql(query, variables, headers);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return res.data;
    },
    ws: (connectionParams) => {
      const client = createClient({ url: podium.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
      clients.push(client);
      return client;
    },
    http: () => request(server),
    close: async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      await podium.close();
      await db.drop();
    },
  };
}

/** Collects the next `n` results of a subscription (rejects on error or after `timeoutMs`). */
export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown>, n: number, timeoutMs = 15_000): { done: Promise<T[]>; received: T[]; stop(): void } {
  const received: T[] = [];
  let stop = () => undefined as void;
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${received.length}/${n} events`)), timeoutMs);
    stop = client.subscribe<T>(
      { query, variables },
      {
        next: (v) => {
          if (v.errors) {
            clearTimeout(timer);
            reject(new Error(JSON.stringify(v.errors)));
            return;
          }
          received.push(v.data as T);
          if (received.length >= n) {
            clearTimeout(timer);
            resolve(received);
          }
        },
        error: (e) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
        },
        complete: () => {
          clearTimeout(timer);
          resolve(received);
        },
      },
    );
  });
  return { done, received, stop: () => stop() };
}
