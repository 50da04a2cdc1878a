import type { Client } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { MetricStream, RunSeriesStore } from './metric-stream';

/** A graphql-ws client stand-in: records subscriptions, lets the test push results and drop the socket. */
function fakeClient() {
  const subs: { variables: any; sink: any; disposed: boolean }[] = [];
  const closed = new Set<() => void>();
  const client = {
    subscribe: (payload: { variables: any }, sink: any) => {
      const s = { variables: payload.variables, sink, disposed: false };
      subs.push(s);
      return () => void (s.disposed = true);
    },
    on: (event: string, cb: () => void) => {
      if (event !== 'closed') throw new Error(event);
      closed.add(cb);
      return () => closed.delete(cb);
    },
  } as unknown as Client;
  return { client, subs, drop: () => closed.forEach((cb) => cb()) };
}

const batch = (points: [number, number, number][], key = 'map50') => ({
  data: { metricBatchLogged: { runId: 'r', lastSequence: points.at(-1)![0], points: points.map(([sequence, step, value]) => ({ key, sequence, step, value })) } },
});

describe('MetricStream', () => {
  it('subscribes from sequence 0, then after a dropped socket from the last sequence it applied', () => {
    const f = fakeClient();
    const changes: string[][] = [];
    const stream = new MetricStream(f.client, 'r', ['map50'], (c) => changes.push([...c]));
    expect(f.subs.map((s) => s.variables)).toEqual([{ runId: 'r', afterSequence: 0, keys: ['map50'] }]);
    f.subs[0].sink.next(
      batch([
        [1, 0, 0.1],
        [2, 1, 0.2],
      ]),
    );
    f.drop();
    expect(f.subs[0].disposed).toBe(true);
    expect(f.subs[1].variables).toEqual({ runId: 'r', afterSequence: 2, keys: ['map50'] });
    // A late batch on the old subscription is ignored; the new one replays from 3 (with an overlap the merge skips).
    f.subs[0].sink.next(batch([[3, 2, 9]]));
    f.subs[1].sink.next(
      batch([
        [2, 1, 0.2],
        [3, 2, 0.3],
      ]),
    );
    expect(stream.series('map50')).toEqual({ steps: [0, 1, 2], values: [0.1, 0.2, 0.3], sequences: [1, 2, 3] });
    expect(changes).toEqual([['map50'], ['map50']]);
    stream.close();
    f.drop();
    expect(f.subs).toHaveLength(2);
  });

  it('with seedPoints, draws the downsampled read, then streams from the sequence it covers; a failed read falls back to the replay', () => {
    const f = fakeClient();
    const changes: string[][] = [];
    const stream = new MetricStream(f.client, 'r', ['map50'], (c) => changes.push([...c]), 1000);
    expect(f.subs.map((s) => s.variables)).toEqual([{ runId: 'r', keys: ['map50'], maxPoints: 1000 }]);
    f.subs[0].sink.next({ data: { metricSeries: { runId: 'r', lastSequence: 40, series: [{ key: 'map50', totalCount: 20_000, steps: [0, 9_999], values: [0.1, 'NaN'] }] } } });
    f.subs[0].sink.complete();
    expect(f.subs.map((s) => s.variables)).toEqual([
      { runId: 'r', keys: ['map50'], maxPoints: 1000 },
      { runId: 'r', afterSequence: 40, keys: ['map50'] },
    ]);
    f.subs[1].sink.next(batch([[41, 10_000, 0.5]]));
    expect(stream.series('map50')).toEqual({ steps: [0, 9_999, 10_000], values: [0.1, NaN, 0.5], sequences: [40, 40, 41] });
    expect(stream.total('map50')).toBe(20_001);
    expect(changes).toEqual([['map50'], ['map50']]);
    // A dropped socket resumes the stream (no second read).
    f.drop();
    expect(f.subs[2].variables).toEqual({ runId: 'r', afterSequence: 41, keys: ['map50'] });

    const g = fakeClient();
    const fallback = new MetricStream(g.client, 'r', ['map50'], () => undefined, 1000);
    g.subs[0].sink.next({ errors: [{ message: 'Cannot query field "metricSeries"' }] });
    expect(g.subs[1].variables).toEqual({ runId: 'r', afterSequence: 0, keys: ['map50'] });
    expect(fallback.error).toBeNull();
  });

  it('reports a subscription error', () => {
    const f = fakeClient();
    const stream = new MetricStream(f.client, 'r', null, () => undefined);
    f.subs[0].sink.next({ errors: [{ message: 'Run "zz" not found' }] });
    expect(stream.error).toBe('Run "zz" not found');
  });
});

describe('RunSeriesStore', () => {
  it('keys asked for in the same tick share one stream; later keys get their own', async () => {
    const f = fakeClient();
    const store = new RunSeriesStore(f.client, 'r');
    store.ensureKeys(['map50', 'map50_95']);
    store.ensureKeys(['precision', 'map50']);
    await Promise.resolve();
    expect(f.subs.map((s) => s.variables.keys)).toEqual([['map50', 'map50_95', 'precision']]);
    store.ensureKeys(['recall']);
    await Promise.resolve();
    expect(f.subs.map((s) => s.variables.keys)).toEqual([['map50', 'map50_95', 'precision'], ['recall']]);
    let heard = 0;
    store.subscribe(() => heard++);
    f.subs[1].sink.next(batch([[5, 0, 0.4]], 'recall'));
    expect(heard).toBe(1);
    expect(store.series('recall')?.values).toEqual([0.4]);
    store.close();
    store.ensureKeys(['f1']);
    await Promise.resolve();
    expect(f.subs).toHaveLength(2);
  });
});
