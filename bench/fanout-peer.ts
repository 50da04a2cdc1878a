// The bare peer of bench/fanout.ts, run as its own process as the api is: a plain `ws` server with no GraphQL, no
// database and no bus. `POST /send?seq=N` writes one graphql-ws-shaped `next` message (serialised per connection, as
// graphql-ws does) to every open connection, then answers. What is left is the floor of this machine: the sockets, the
// HTTP call, and the clients' own parsing on the same cores.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((req, res) => {
  const seq = Number(new URL(req.url ?? '/', 'http://peer').searchParams.get('seq'));
  req.resume();
  req.on('end', () => {
    let id = 0;
    for (const socket of wss.clients) socket.send(JSON.stringify({ id: String(++id), type: 'next', payload: { data: { metricLogged: { sequence: seq, step: seq, value: 0.5 } } } }));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ lastSequence: seq }));
  });
});
const wss = new WebSocketServer({ server });
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => process.exit(0));
