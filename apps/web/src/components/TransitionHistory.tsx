// A model's history: who moved which version from where to where, when, why, and the gates it passed.
import { Fragment, lazy, Suspense, useState } from 'react';
import type { TransitionFieldsFragment } from '../graphql/generated';
import { formatTime } from '../lib/format';
import { GateList } from './GateList';

const Markdown = lazy(() => import('./Markdown'));

export function TransitionHistory({ transitions, version }: { transitions: TransitionFieldsFragment[]; version?: number }) {
  const [open, setOpen] = useState<number | null>(null);
  const rows = version === undefined ? transitions : transitions.filter((t) => t.version === version);
  if (!rows.length) return <p className="muted">No transition yet.</p>;
  return (
    <table className="grid-table" data-testid="history">
      <thead>
        <tr>
          <th className="num">#</th>
          <th>When</th>
          <th>Who</th>
          <th>Version</th>
          <th>Change</th>
          <th>Justification</th>
          <th>Gates</th>
        </tr>
      </thead>
      <tbody>
        {[...rows].reverse().map((t) => {
          const gates = t.gates;
          return (
            <Fragment key={t.seq}>
              <tr>
                <td className="num">{t.seq}</td>
                <td>{formatTime(t.at)}</td>
                <td>{t.actor}</td>
                <td>v{t.version}</td>
                <td>
                  {t.kind === 'ALIAS' ? `alias ${t.alias}${t.aliasPreviousVersion ? ` (from v${t.aliasPreviousVersion})` : ''}` : `${t.fromStage} → ${t.toStage}`}
                  {t.automatic && <span className="muted small"> automatic{t.reason ? `: ${t.reason}` : ''}</span>}
                </td>
                <td>{t.decision?.justification ?? ''}</td>
                <td>
                  {gates ? (gates.passed ? '✓ passed' : '✗') : '—'}{' '}
                  {(gates || t.decision) && (
                    <button type="button" className="link small" onClick={() => setOpen(open === t.seq ? null : t.seq)}>
                      {open === t.seq ? 'hide' : 'details'}
                    </button>
                  )}
                </td>
              </tr>
              {open === t.seq && (
                <tr className="detail">
                  <td colSpan={7}>
                    {t.decision && (
                      <dl>
                        {t.decision.alternatives && (
                          <>
                            <dt>Alternatives</dt>
                            <dd>{t.decision.alternatives}</dd>
                          </>
                        )}
                        {t.decision.risks && (
                          <>
                            <dt>Risks</dt>
                            <dd>{t.decision.risks}</dd>
                          </>
                        )}
                        {t.decision.nextSteps && (
                          <>
                            <dt>Next steps</dt>
                            <dd>{t.decision.nextSteps}</dd>
                          </>
                        )}
                      </dl>
                    )}
                    {gates && <GateList gates={gates.gates} />}
                    {t.decision?.report && (
                      <details>
                        <summary>Report stored with the decision ({t.decision.report.locale})</summary>
                        <Suspense fallback="…">
                          <Markdown text={t.decision.report.markdown} />
                        </Suspense>
                      </details>
                    )}
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
