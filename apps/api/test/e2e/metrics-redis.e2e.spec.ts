// metricLogged through the Redis event bus (REDIS_URL: several api replicas share subscriptions): events cross a JSON
// hop, so NaN/±Infinity and ordering must survive it. Skipped when no Redis answers, unless CI requires it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisAvailable } from '../support/redis';
import { collect, startTestApp, type TestApp } from '../support/test-app';

describe('metricLogged over Redis (two api replicas on one SQLite file)', () => {
  let writer: TestApp | undefined;
  let reader: TestApp | undefined;
  beforeAll(async () => {
    if (!(await redisAvailable())) return;
    writer = await startTestApp('sqlite', { redisUrl: REDIS_URL });
    // A second replica on the same database file and Redis: it only serves the subscription.
    reader = await startTestApp('sqlite', { redisUrl: REDIS_URL, ...writer!.db.config });
  });
  afterAll(async () => {
    await reader?.close();
    await writer?.close();
  });

  it('delivers points logged on one replica to a subscriber of the other, in order, NaN and Infinity included', async (ctx) => {
    if (!writer || !reader) return ctx.skip();
    const exp = (await writer.gql(`mutation { createExperiment(input: { name: "redis-${Date.now()}" }) { id } }`)).data.createExperiment.id;
    const runId = (await writer.gql(`mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }`, { e: exp })).data.createRun.id;
    const sub = collect<{ metricLogged: { key: string; value: number | string; sequence: number } }>(
      reader.ws(),
      `subscription($r: ID!) { metricLogged(runId: $r) { key value sequence } }`,
      { r: runId },
      4,
    );
    await new Promise((r) => setTimeout(r, 500));
    const log = (metrics: unknown[]) => writer!.gql(`mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }`, { i: { runId, metrics } });
    await log([
      { key: 'metrics/mAP50(B)', value: 0.1, step: 0 },
      { key: 'loss', value: 'NaN', step: 0 },
    ]);
    await log([
      { key: 'metrics/mAP50(B)', value: 0.2, step: 1 },
      { key: 'loss', value: 'Infinity', step: 1 },
    ]);
    const points = (await sub.done).map((e) => e.metricLogged);
    expect(points).toEqual([
      { key: 'map50', value: 0.1, sequence: 1 },
      { key: 'loss', value: 'NaN', sequence: 2 },
      { key: 'map50', value: 0.2, sequence: 3 },
      { key: 'loss', value: 'Infinity', sequence: 4 },
    ]);
  });
});
