// A strict reader of the Prometheus text exposition format (0.0.4) for assertions on /metrics: every line must be a
// HELP or TYPE comment or a sample, each sample must belong to a family with a TYPE, label values are unescaped.
// (The npm parsers checked drop the labels and counts of histograms, so the suites read the format themselves.)

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/;
const SUFFIXES = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] } as Record<string, string[]>;

function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw new Error(`not a sample value: ${text}`);
  return Number(text);
}

function parseSample(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error(`not a sample: ${line}`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const m = LABEL.exec(rest);
      if (!m) throw new Error(`bad labels: ${line}`);
      labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(m[0].length);
      if (rest.startsWith(',')) rest = rest.slice(1);
    }
    rest = rest.slice(1);
  }
  const parts = rest.trim().split(' ');
  if (!rest.startsWith(' ') || parts.length > 2) throw new Error(`bad sample: ${line}`);
  return { name, labels, value: parseValue(parts[0]) };
}

export class Scrape {
  readonly families = new Map<string, Family>();

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (comment) {
        const family = this.families.get(comment[2]) ?? { name: comment[2], type: 'untyped', help: '', samples: [] };
        if (comment[1] === 'TYPE') family.type = comment[3];
        else family.help = comment[3];
        this.families.set(comment[2], family);
        continue;
      }
      if (line.startsWith('#')) throw new Error(`not Prometheus text: ${line}`);
      const sample = parseSample(line);
      const family = this.familyOf(sample.name);
      if (!family) throw new Error(`sample without a TYPE: ${line}`);
      family.samples.push(sample);
    }
  }

  /** A counter's or gauge's value summed over the series whose labels include `labels`; 0 when none. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  /** A histogram's `_count` summed over the series whose labels include `labels`. */
  count(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, `${name}_count`, labels).reduce((sum, s) => sum + s.value, 0);
  }

  /** Every value a label takes in a family. */
  labelValues(name: string, label: string): string[] {
    return [...new Set((this.families.get(name)?.samples ?? []).map((s) => s.labels[label]).filter((v): v is string => v !== undefined))];
  }

  private familyOf(sampleName: string): Family | undefined {
    const exact = this.families.get(sampleName);
    if (exact) return exact;
    for (const [type, suffixes] of Object.entries(SUFFIXES)) {
      for (const suffix of suffixes) {
        const family = sampleName.endsWith(suffix) ? this.families.get(sampleName.slice(0, -suffix.length)) : undefined;
        if (family?.type === type) return family;
      }
    }
    return undefined;
  }

  private matching(family: string, sampleName: string, labels: Record<string, string>): Sample[] {
    return (this.families.get(family)?.samples ?? []).filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }
}
