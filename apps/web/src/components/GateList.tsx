import { Link } from 'react-router';
import type { GateResult } from '../api/adapters';
import { gateRows } from '../lib/gates';

/** Gates with what was required, what was seen and the evidence; failing ones first. */
export function GateList({ gates, testId }: { gates: GateResult[]; testId?: string }) {
  if (!gates.length) return <p className="muted">No gate.</p>;
  return (
    <ul className="gates" data-testid={testId}>
      {gateRows(gates).map((g, i) => (
        <li key={i} className={g.passed ? 'gate pass' : 'gate fail'}>
          <b>
            {g.passed ? '✓' : '✗'} {g.name}
          </b>
          : required {g.required}; observed {g.observed}
          {g.evidence && <div className="small">Evidence: {g.evidenceRunId ? <Link to={`/runs/${g.evidenceRunId}`}>{g.evidence}</Link> : g.evidence}</div>}
          {g.message && <div className="small muted">{g.message}</div>}
          {g.rejected.length > 0 && (
            <ul className="small">
              {g.rejected.map((r) => (
                <li key={r}>Not accepted: {r}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
