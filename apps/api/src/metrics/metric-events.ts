// Typed event topic of metric ingest (CONTRIBUTING.md rule 7): one event per committed batch, published after commit.
import { decodeMetricValue, encodeMetricValue } from './metric-value.scalar';
import type { MetricPointRow } from './metric-summary';

export const METRIC_LOGGED = 'METRIC_LOGGED';

/** A point on the wire: the value encoded as MetricValue so NaN/±Infinity survive a JSON hop (Redis). */
export interface EncodedPoint {
  key: string;
  value: number | string;
  step: number;
  timestamp: number;
  sequence: number;
}

/** Payload of `METRIC_LOGGED:<runId>`: one committed batch, sequences firstSequence..lastSequence without holes. */
export interface MetricLoggedEvent {
  runId: string;
  firstSequence: number;
  lastSequence: number;
  points: EncodedPoint[];
}

export function toMetricLoggedEvent(runId: string, points: readonly MetricPointRow[]): MetricLoggedEvent {
  return {
    runId,
    firstSequence: points[0].sequence,
    lastSequence: points[points.length - 1].sequence,
    points: points.map((p) => ({ key: p.key, value: encodeMetricValue(p.value), step: p.step, timestamp: p.timestamp, sequence: p.sequence })),
  };
}

const decoded = new WeakMap<MetricLoggedEvent, MetricPointRow[]>();

/**
 * The event's points as rows, decoded once per event: every subscriber of a run gets the same row objects, so the
 * ws layer executes each subscriber operation once per point (graphql/shared-subscribe.ts), not once per subscriber.
 */
export function pointsOf(event: MetricLoggedEvent): MetricPointRow[] {
  let rows = decoded.get(event);
  if (!rows) {
    rows = event.points.map((p) => ({ runId: event.runId, key: p.key, value: decodeMetricValue(p.value) ?? Number.NaN, step: p.step, timestamp: p.timestamp, sequence: p.sequence }));
    decoded.set(event, rows);
  }
  return rows;
}
