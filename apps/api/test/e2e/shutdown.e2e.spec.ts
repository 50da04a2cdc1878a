// The api's stop order (observability/graceful-shutdown.ts) through real sockets: an HTTP GraphQL request in flight
// when close() starts still gets its answer, new connections are refused, /readyz says shutting-down, graphql-ws
// clients are closed with 1001 (going away); a request that outlives the grace time has its connection cut.
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Readiness } from '../../src/observability/readiness';
import { startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs a GraphQL body in two parts: the first now, the second when `finish` is called. */
function slowPost(url: string, query: string) {
  const body = Buffer.from(JSON.stringify({ query }));
  const half = Math.floor(body.length / 2);
  let finish!: () => void;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(body.subarray(0, half));
    finish = () => req.end(body.subarray(half));
  });
  return { response, finish: () => finish() };
}

describe('stopping the api', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('lets an in-flight GraphQL request finish, refuses new connections, says shutting-down and closes subscriptions with 1001', async () => {
    t = await startTestApp('sqlite', { shutdownGraceSeconds: 20 });
    const url = t!.podium.url;
    const client = t!.ws();
    const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
    const experimentId = (await t!.gql('mutation { createExperiment(input: { name: "stopping" }) { id } }')).data.createExperiment.id;
    const runId = (await t!.gql('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "r" }) { id } }', { e: experimentId })).data.createRun.id;
    client.subscribe(
      { query: 'subscription($id: ID!) { metricLogged(runId: $id) { runId } }', variables: { id: runId } },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    await sleep(300);

    const slow = slowPost(url, `mutation { logMetrics(input: { runId: "${runId}", metrics: [{ key: "loss", value: 0.5, step: 1 }] }) { count } }`);
    await sleep(300);
    const stopping = t!.podium.close();
    await sleep(300);
    expect((await t!.podium.app.get(Readiness).report()).status).toBe('shutting-down');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    slow.finish();
    const answer = await slow.response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { logMetrics: { count: 1 } } });
    await stopping;
    expect(await closed).toBe(1001);
  });

  it('cuts a request still in flight once the grace time is over', async () => {
    t = await startTestApp('sqlite', { shutdownGraceSeconds: 1 });
    const slow = slowPost(t!.podium.url, '{ serverInfo { database } }');
    const outcome = slow.response.then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code,
    );
    await sleep(300);
    const started = Date.now();
    await t!.podium.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await outcome).toBe('ECONNRESET');
  });
});
