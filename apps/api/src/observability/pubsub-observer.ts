// Counts what is published on the events bus, by topic (the routing key: a constant of the code, never an id).
import { BoundedLabel, eventsPublished } from './metrics';

const topicLabel = new BoundedLabel(100, 'unknown', /^[A-Za-z_][A-Za-z0-9_:.-]{0,99}$/);

/** Wraps `bus.publish` in place and returns the bus. */
export function observePubSub<T extends { publish: (...args: any[]) => unknown }>(bus: T): T {
  const publish = bus.publish.bind(bus);
  bus.publish = ((topic: unknown, ...rest: unknown[]) => {
    eventsPublished.inc({ topic: topicLabel.of(typeof topic === 'string' ? topic : undefined) });
    return publish(topic, ...rest);
  }) as T['publish'];
  return bus;
}
