// bigint epoch-millisecond columns come back as strings on PostgreSQL; this maps them to numbers on both databases.
import type { ValueTransformer } from 'typeorm';

export const epochMs: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null | undefined) => (v === null || v === undefined ? v : Number(v)),
};
