// PODIUM_WORKER_HEALTH_PORT: GET /healthz (the process answers), GET /readyz (registered with the api, its
// execution providers known, not stopping or removed: 200, else 503 with each check named) and GET /metrics
// (worker-metrics.ts), bound to PODIUM_WORKER_HEALTH_HOST (loopback unless the operator opens it). No auth, no data.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { workerMetrics } from './worker-metrics';

export interface WorkerState {
  /** The api's id for this worker once registered. */
  workerId?: string;
  providers?: readonly string[];
  stopping: boolean;
  /** The api's message when an ADMIN removed this worker. */
  removed?: string;
  draining: boolean;
}

export function readinessOf(state: WorkerState): { ready: boolean; body: Record<string, unknown> } {
  const checks = {
    registered: state.workerId ? { ok: true } : { ok: false, error: state.removed !== undefined ? 'removed by an admin' : 'not registered yet' },
    providers: state.providers?.length ? { ok: true, providers: state.providers } : { ok: false, error: 'not probed yet' },
    running: state.stopping || state.removed !== undefined ? { ok: false, error: 'shutting down' } : { ok: true, draining: state.draining },
  };
  const ready = Object.values(checks).every((c) => c.ok);
  return { ready, body: { status: state.stopping ? 'shutting-down' : ready ? 'ready' : 'unavailable', checks } };
}

export class WorkerHealthServer {
  private server?: Server;

  constructor(private readonly state: () => WorkerState) {}

  async listen(port: number, host: string): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'GET only' });
      if (path === '/healthz') return json(200, { status: 'ok' });
      if (path === '/readyz') {
        const { ready, body } = readinessOf(this.state());
        return json(ready ? 200 : 503, body);
      }
      if (path === '/metrics') {
        workerMetrics.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': workerMetrics.registry.contentType }).end(text),
          () => json(500, { error: 'scrape failed' }),
        );
        return;
      }
      json(404, { error: 'GET /healthz, /readyz or /metrics' });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
