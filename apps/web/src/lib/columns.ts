// The runs table's columns (params and metric summaries a person picks) and sort, as the URL keeps them
// (`cols=p:imgsz,m:map50`, `sort=m:map50:DESC`) and as searchRuns wants them (`metrics.map50 DESC`).

export type ColumnKind = 'param' | 'metric' | 'attr';

export interface Column {
  kind: ColumnKind;
  key: string;
}

/** YOLO defaults: what a person compares first in an Ultralytics grid. */
export const DEFAULT_COLUMNS: Column[] = [
  { kind: 'param', key: 'imgsz' },
  { kind: 'param', key: 'lr0' },
  { kind: 'param', key: 'seed' },
  { kind: 'metric', key: 'map50' },
  { kind: 'metric', key: 'map50_95' },
  { kind: 'metric', key: 'precision' },
  { kind: 'metric', key: 'recall' },
];

const PREFIX: Record<ColumnKind, string> = { param: 'p', metric: 'm', attr: 'a' };
const KIND: Record<string, ColumnKind> = { p: 'param', m: 'metric', a: 'attr' };

export const columnId = (c: Column): string => `${PREFIX[c.kind]}:${c.key}`;

export function parseColumnId(id: string): Column | null {
  const i = id.indexOf(':');
  const kind = KIND[id.slice(0, i)];
  const key = id.slice(i + 1);
  return kind && key ? { kind, key } : null;
}

export function serializeColumns(cols: readonly Column[]): string {
  return cols.map((c) => encodeURIComponent(columnId(c))).join(',');
}

export function parseColumns(raw: string | null): Column[] {
  if (raw === null) return DEFAULT_COLUMNS;
  return raw
    .split(',')
    .filter(Boolean)
    .map((s) => {
      try {
        return parseColumnId(decodeURIComponent(s));
      } catch {
        return null;
      }
    })
    .filter((c): c is Column => c !== null);
}

export interface Sort {
  column: Column;
  desc: boolean;
}

export function parseSort(raw: string | null): Sort | null {
  if (!raw) return null;
  const desc = raw.endsWith(':DESC');
  const c = parseColumnId(raw.replace(/:(ASC|DESC)$/, ''));
  return c ? { column: c, desc } : null;
}

export const serializeSort = (s: Sort): string => `${columnId(s.column)}:${s.desc ? 'DESC' : 'ASC'}`;

/** A key in the search language: bare when it is a plain identifier, else in backquotes. */
export function quoteKey(key: string): string | null {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return key;
  return key.includes('`') ? null : `\`${key}\``;
}

const ATTRS: Record<string, string> = { name: 'attributes.run_name', status: 'attributes.status', start: 'attributes.start_time', end: 'attributes.end_time' };

/** The searchRuns orderBy for a sort; null when the server cannot order by it (an unquotable key). */
export function orderByOf(s: Sort | null): string[] {
  if (!s) return ['attributes.start_time DESC'];
  const dir = s.desc ? 'DESC' : 'ASC';
  if (s.column.kind === 'attr') return ATTRS[s.column.key] ? [`${ATTRS[s.column.key]} ${dir}`] : [];
  const q = quoteKey(s.column.key);
  if (!q) return [];
  return [`${s.column.kind === 'param' ? 'params' : 'metrics'}.${q} ${dir}`];
}

/**
 * What the column picker lists: the param keys (from a few runs and the current columns) matching `search`, then the
 * current metric columns the server's pages have not listed (so they can be unticked), then the metric keys the
 * server returned for `search` (already filtered, in its order). Matching ignores case, as the server's search does.
 */
export function pickerEntries(paramKeys: Iterable<string>, metricKeys: readonly string[], columns: readonly Column[], search: string): Column[] {
  const q = search.trim().toLowerCase();
  const matches = (key: string) => !q || key.toLowerCase().includes(q);
  const params = new Set(paramKeys);
  for (const c of columns) if (c.kind === 'param') params.add(c.key);
  const listed = new Set(metricKeys);
  const extra = new Set(columns.filter((c) => c.kind === 'metric' && !listed.has(c.key)).map((c) => c.key));
  return [
    ...[...params]
      .filter(matches)
      .sort()
      .map((key) => ({ kind: 'param' as const, key })),
    ...[...extra]
      .filter(matches)
      .sort()
      .map((key) => ({ kind: 'metric' as const, key })),
    ...metricKeys.map((key) => ({ kind: 'metric' as const, key })),
  ];
}

/** The runs table's page size: 100 runs, fewer with many metric columns. */
export const RUN_PAGE = 100;
/**
 * Runs a table page may ask for with `metricColumns` metric columns, so the page stays under the api's default query
 * complexity (5,000): the api counts each run's row at about 12 plus 8 per metric column (Run.metrics(keys:) counts
 * the keys × the summary's fields), so 100 runs with 5 metric columns already cost 5,101.
 */
export function runPageSize(metricColumns: number): number {
  return Math.max(1, Math.min(RUN_PAGE, Math.floor(4500 / (12 + 8 * metricColumns))));
}
