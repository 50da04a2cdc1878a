// A TCP relay that a suite starts and stops to make a server (PostgreSQL, Redis) appear and go away for the app.
import { connect, createServer, type Socket } from 'node:net';

export interface Relay {
  /** Stops listening and cuts every relayed connection: to the app, the server is gone. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` and relays each connection to `target` (host:port). */
export function relay(port: number, target: { hostname: string; port: number }): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        close: async () => {
          for (const s of sockets) s.destroy();
          await new Promise<void>((done) => server.close(() => done()));
        },
      }),
    ),
  );
}

/** host and port of a URL (`postgres://…`, `redis://…`), with the scheme's usual port when absent. */
export function targetOf(url: string, defaultPort: number): { hostname: string; port: number } {
  const u = new URL(url);
  return { hostname: u.hostname, port: Number(u.port || defaultPort) };
}
