// The unit of work on a real database (SQLite file and PostgreSQL): afterCommit hooks run after a commit, in order,
// and never for a write that rolled back; services joining an outer unit of work publish after its commit only.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles';
import type { Database } from '../../src/database/database';
import type { PodiumEvents } from '../../src/graphql/events';
import { type PodiumPubSub } from '../../src/graphql/pubsub';
import { MetricsService } from '../../src/metrics/metrics.service';
import { metricPointsIngested } from '../../src/observability/metrics';
import { RunsService } from '../../src/runs/runs.service';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';
import { trackingServices } from '../support/tracking-services';

const actor = { name: 'tester', role: Role.EDITOR };
const settle = () => new Promise((r) => setTimeout(r, 20));

async function ingested(source: string): Promise<number> {
  return (await metricPointsIngested.get()).values.find((v) => v.labels.source === source)?.value ?? 0;
}

describe.each(DIALECTS)('unit of work on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let pubSub: PodiumPubSub;
  let runs: RunsService;
  let metrics: MetricsService;
  let experimentId: string;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    const services = trackingServices(db);
    ({ pubSub, runs, metrics } = services);
    const { experiments } = services;
    experimentId = (await experiments.create({ name: 'uow' }, actor)).id;
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  /** A real subscriber of the bus: what it receives, in order. */
  async function listen<K extends 'METRIC_LOGGED' | 'RUN_UPDATED'>(topic: K, id: string) {
    const events: PodiumEvents[K][1][] = [];
    const it = (pubSub.subscribe as (topic: K, id: string) => AsyncIterable<PodiumEvents[K][1]>)(topic, id)[Symbol.asyncIterator]();
    const pump = (async () => {
      for (let r = await it.next(); !r.done; r = await it.next()) events.push(r.value);
    })();
    await settle();
    return { events, stop: async () => (await it.return?.(), await pump) };
  }

  const count = (runId: string) =>
    db.read.query(`SELECT COUNT(*) AS n FROM metric_points WHERE run_id = ${dialect === 'postgres' ? '$1' : '?'}`, [runId]).then((r: { n: string | number }[]) => Number(r[0].n));

  it('runs hooks after commit in the order they were registered, with the writes visible, and drops them on rollback', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId }, actor);
    const seen: string[] = [];
    await db.write(async (tx) => {
      tx.afterCommit(async () => {
        seen.push(`first:${await count(run.id)}`);
      });
      await metrics.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0 }], { uow: tx });
      tx.afterCommit(() => void seen.push('second'));
      seen.push('in transaction');
    });
    // The hook reads on the reader (another connection on SQLite): the point is committed when it runs.
    expect(seen).toEqual(['in transaction', 'first:1', 'second']);

    const dropped: string[] = [];
    await expect(
      db.write(async (tx) => {
        tx.afterCommit(() => void dropped.push('never'));
        await metrics.logMetrics(run.id, [{ key: 'loss', value: 2, step: 1 }], { uow: tx });
        throw new Error('refused later in the transaction');
      }),
    ).rejects.toThrow('refused later');
    expect(dropped).toEqual([]);
    expect(await count(run.id)).toBe(1);

    // A failing hook is logged: the commit stands and the later hooks still run.
    const after: string[] = [];
    await db.write(async (tx) => {
      tx.afterCommit(() => {
        throw new Error('hook failed');
      });
      tx.afterCommit(() => void after.push('ran'));
    });
    expect(after).toEqual(['ran']);
  });

  it('never publishes an event, nor counts a point, for a write that rolled back (joined services included)', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId }, actor);
    const points = await listen('METRIC_LOGGED', run.id);
    const runEvents = await listen('RUN_UPDATED', experimentId);
    const before = await ingested('mlflow');
    await expect(
      db.write(async (tx) => {
        await runs.updateRun({ id: run.id, name: 'renamed' }, actor, { uow: tx });
        await runs.setTags(run.id, [{ key: 'a', value: '1' }], tx);
        await metrics.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0 }], { uow: tx, source: 'mlflow' });
        // The second batch is refused (a bad step) after the first was written: the whole unit rolls back.
        await metrics.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0.5 }], { uow: tx, source: 'mlflow' });
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await settle();
    expect(points.events).toEqual([]);
    expect(runEvents.events).toEqual([]);
    expect(await ingested('mlflow')).toBe(before);
    expect(await count(run.id)).toBe(0);
    expect((await runs.getRun(run.id)).name).toBe(run.name);

    // The same writes committed: each event once, after commit, the points counted under their source.
    await db.write(async (tx) => {
      await runs.updateRun({ id: run.id, name: 'renamed' }, actor, { uow: tx });
      await metrics.logMetrics(
        run.id,
        [
          { key: 'loss', value: 1, step: 0 },
          { key: 'map50', value: 0.5, step: 0 },
        ],
        { uow: tx, source: 'mlflow' },
      );
      await settle();
      // Not before the commit, even with time to deliver.
      expect(points.events).toEqual([]);
      expect(runEvents.events).toEqual([]);
    });
    await settle();
    expect(points.events.map((e) => [e.firstSequence, e.lastSequence])).toEqual([[1, 2]]);
    expect(runEvents.events.map((e) => [e.change, e.run.name])).toEqual([['UPDATED', 'renamed']]);
    expect(await ingested('mlflow')).toBe(before + 2);
    await points.stop();
    await runEvents.stop();
  });

  it('delivers events in commit order under concurrent writers', async (ctx) => {
    if (!tdb) return ctx.skip();
    const run = await runs.createRun({ experimentId }, actor);
    const points = await listen('METRIC_LOGGED', run.id);
    const hookOrder: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, w) =>
        db.write(async (tx) => {
          const batch = await metrics.logMetrics(
            run.id,
            Array.from({ length: 5 }, (_, i) => ({ key: `w${w % 3}`, value: i, step: w * 10 + i })),
            { uow: tx },
          );
          tx.afterCommit(() => void hookOrder.push(batch.lastSequence!));
        }),
      ),
    );
    await settle();
    // Sequences are handed out under the run's lock, so sequence order is commit order: the events and the hooks
    // come in that order, back to back, with no gap.
    expect(points.events.map((e) => e.firstSequence)).toEqual(Array.from({ length: 12 }, (_, i) => i * 5 + 1));
    expect(hookOrder).toEqual(Array.from({ length: 12 }, (_, i) => i * 5 + 5));
    await points.stop();
  });
});
