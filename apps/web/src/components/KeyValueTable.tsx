import { useMemo, useState } from 'react';

const LIMIT = 200;

/** Params or tags; searchable, and capped so a run with thousands of keys stays light. */
export function KeyValueTable({ rows, testId }: { rows: { key: string; value: string }[]; testId?: string }) {
  const [q, setQ] = useState('');
  const shown = useMemo(() => rows.filter((r) => !q || r.key.toLowerCase().includes(q.toLowerCase())), [rows, q]);
  if (!rows.length) return <p className="muted">None.</p>;
  return (
    <div>
      {rows.length > 20 && <input type="search" placeholder="Search…" value={q} onChange={(e) => setQ(e.target.value)} />}
      <table className="grid-table small" data-testid={testId}>
        <tbody>
          {shown.slice(0, LIMIT).map((r) => (
            <tr key={r.key}>
              <th>{r.key}</th>
              <td className="mono">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length > LIMIT && <p className="muted small">{shown.length - LIMIT} more: refine the search.</p>}
    </div>
  );
}
