// type-graphql calls a `@Subscription({ subscribe })` function without the resolver instance, so the stream service
// of the running app is registered here on module init. Apps started one after another in a process (tests) each
// register on init and deregister on destroy; the newest live one serves.
import type { MetricStreamService } from './metric-stream.service';

const live: MetricStreamService[] = [];

export function registerMetricStream(s: MetricStreamService): void {
  live.push(s);
}

export function deregisterMetricStream(s: MetricStreamService): void {
  const i = live.lastIndexOf(s);
  if (i >= 0) live.splice(i, 1);
}

export function currentMetricStream(): MetricStreamService {
  const s = live[live.length - 1];
  if (!s) throw new Error('metricLogged: no running MetricStreamService');
  return s;
}
