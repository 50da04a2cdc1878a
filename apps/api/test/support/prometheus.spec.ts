import { describe, expect, it } from 'vitest';
import { Scrape } from './prometheus';

const TEXT = `# HELP podium_x_total Things.
# TYPE podium_x_total counter
podium_x_total{source="graphql"} 5
podium_x_total{source="mlflow"} 2
# HELP h Durations.
# TYPE h histogram
h_bucket{le="0.1",operation="A",type="query"} 1
h_bucket{le="+Inf",operation="A",type="query"} 3
h_sum{operation="A",type="query"} 0.75
h_count{operation="A",type="query"} 3
h_count{operation="B \\"quoted\\"",type="query"} 1
# HELP g A gauge.
# TYPE g gauge
g NaN
`;

describe("Scrape, the suites' Prometheus text reader", () => {
  it('reads counters, histogram counts with their labels, and escaped label values', () => {
    const s = new Scrape(TEXT);
    expect(s.value('podium_x_total')).toBe(7);
    expect(s.value('podium_x_total', { source: 'graphql' })).toBe(5);
    expect(s.count('h', { operation: 'A' })).toBe(3);
    expect(s.labelValues('h', 'operation')).toEqual(['A', 'B "quoted"']);
    expect(s.value('g')).toBeNaN();
    expect(s.families.get('h')?.type).toBe('histogram');
  });

  it('refuses what is not the format', () => {
    expect(() => new Scrape('x 1\n')).toThrow('sample without a TYPE: x 1');
    expect(() => new Scrape('# TYPE x counter\nx{a=1} 2\n')).toThrow('bad labels');
    expect(() => new Scrape('# TYPE x counter\nx one\n')).toThrow('not a sample value: one');
    expect(() => new Scrape('<html>\n')).toThrow('not a sample: <html>');
  });
});
