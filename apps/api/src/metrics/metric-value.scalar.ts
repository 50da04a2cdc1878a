// `MetricValue`: a JSON number when finite, else the strings "NaN", "Infinity", "-Infinity" (graphql-js's Float
// refuses NaN and ±Infinity), in both directions.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** number → wire value. */
export function encodeMetricValue(v: number): number | string {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

/** Wire value → number; undefined when it is not a MetricValue. */
export function decodeMetricValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(SPECIAL, v)) return SPECIAL[v];
  return undefined;
}

const EXPECTED = 'a number, or one of the strings "NaN", "Infinity", "-Infinity"';

function fromLiteral(ast: ValueNode): number {
  if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
  if (ast.kind === Kind.STRING) {
    const v = decodeMetricValue(ast.value);
    if (v !== undefined) return v;
  }
  throw new GraphQLError(`MetricValue must be ${EXPECTED}`, { nodes: ast, extensions: { code: 'BAD_USER_INPUT' } });
}

export const MetricValueScalar = new GraphQLScalarType<number, number | string>({
  name: 'MetricValue',
  description: `A metric value: ${EXPECTED} (JSON has no NaN or Infinity).`,
  serialize(v: unknown): number | string {
    if (typeof v !== 'number') throw new GraphQLError(`MetricValue cannot serialise ${typeof v}`);
    return encodeMetricValue(v);
  },
  parseValue(v: unknown): number {
    const n = decodeMetricValue(v);
    if (n === undefined) throw new GraphQLError(`MetricValue must be ${EXPECTED}, got ${JSON.stringify(v)}`, { extensions: { code: 'BAD_USER_INPUT' } });
    return n;
  },
  parseLiteral: fromLiteral,
});
