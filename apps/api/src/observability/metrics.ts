// The api's Prometheus metrics (prom-client): one process-wide registry with Node's defaults and the counters and
// histograms features call; values read from the database at scrape time live in app-metrics.ts. Label values are
// bounded: route patterns, operation types, codes and topics from the code, and client operation names capped.
// Names and labels are listed in docs/operations.md.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry });

const registers = [processRegistry];
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * A label fed by values from outside (a client's operation name): well-formed values are kept until `max` distinct
 * ones were seen, then later ones collapse into `other`; absent ones are `empty`.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly empty = 'anonymous',
    private readonly pattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
  ) {}

  of(value: string | null | undefined): string {
    if (!value) return this.empty;
    if (this.seen.has(value)) return value;
    if (!this.pattern.test(value) || this.seen.size >= this.max) return 'other';
    this.seen.add(value);
    return value;
  }
}

export const httpRequestDuration = new Histogram({
  name: 'podium_http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern (never the raw URL) and status, with their duration',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers,
});

export const httpRequestsInFlight = new Gauge({ name: 'podium_http_requests_in_flight', help: 'HTTP requests being served', registers });

export const graphqlOperationDuration = new Histogram({
  name: 'podium_graphql_operation_duration_seconds',
  help: 'GraphQL operations (HTTP and graphql-ws) by operation name (client-given, capped), type and outcome (ok or error), with their duration; a subscription lasts until it ends',
  labelNames: ['operation', 'type', 'outcome'] as const,
  buckets: SECONDS,
  registers,
});

export const graphqlErrors = new Counter({ name: 'podium_graphql_errors_total', help: 'GraphQL errors sent to clients, by extensions.code', labelNames: ['code'] as const, registers });

export const wsConnections = new Gauge({ name: 'podium_graphql_ws_connections', help: 'Open graphql-ws connections (accepted by onConnect)', registers });

export const wsSubscriptions = new Gauge({ name: 'podium_graphql_subscriptions', help: 'Active graphql-ws subscriptions by root field', labelNames: ['field'] as const, registers });

export const eventsPublished = new Counter({ name: 'podium_events_published_total', help: 'Events published on the events bus, by topic', labelNames: ['topic'] as const, registers });

export const eventsDelivered = new Counter({ name: 'podium_events_delivered_total', help: 'Subscription events sent to graphql-ws clients, by root field', labelNames: ['field'] as const, registers });

export type IngestSource = 'graphql' | 'mlflow' | 'evaluation';

export const metricPointsIngested = new Counter({
  name: 'podium_metric_points_ingested_total',
  help: 'Metric points stored, by the door they came in through',
  labelNames: ['source'] as const,
  registers,
});

/** What a door that stores metric points calls once they are committed (GraphQL logMetrics, the MLflow REST api). */
export function countIngestedPoints(source: IngestSource, points: number): void {
  if (points > 0) metricPointsIngested.inc({ source }, points);
}

export const artifactBytes = new Counter({ name: 'podium_artifact_bytes_total', help: 'Artifact bytes stored (in) and served (out)', labelNames: ['direction'] as const, registers });

export const jobTransitions = new Counter({
  name: 'podium_evaluation_job_transitions_total',
  help: 'Evaluation job moves committed, by the status moved to',
  labelNames: ['status'] as const,
  registers,
});

export const leaseExpiries = new Counter({ name: 'podium_evaluation_lease_expiries_total', help: 'Evaluation jobs re-queued because their lease expired (a worker stopped heartbeating)', registers });
