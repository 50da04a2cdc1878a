// One version: where it comes from, its gates as last evaluated, its decision report (en/fr), its evaluations, and
// the promote and evaluate forms (hidden for VIEWER; PRODUCTION/ARCHIVED for ADMIN only).
import { useQuery, useSubscription } from '@apollo/client/react';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorBox } from '../components/ErrorBox';
import { EvaluateForm } from '../components/EvaluateForm';
import { GateList } from '../components/GateList';
import { PromoteForm } from '../components/PromoteForm';
import { StatusBadge } from '../components/StatusBadge';
import { TransitionHistory } from '../components/TransitionHistory';
import {
  EvaluationJobsDocument,
  ModelTransitionsDocument,
  ModelVersionChangedDocument,
  ModelVersionDocument,
  PromotionReportDocument,
  RegisteredModelDocument,
  type ReportLocale,
} from '../graphql/generated';
import { formatBytes, formatTime } from '../lib/format';
import { formatNumber } from '../lib/grid';
import { HISTORY_PAGE } from '../api/page-sizes';

const Markdown = lazy(() => import('../components/Markdown'));

export default function VersionPage() {
  const { name = '', version: raw = '' } = useParams();
  const version = Number(raw);
  const [locale, setLocale] = useState<ReportLocale>('en');
  const v = useQuery(ModelVersionDocument, { variables: { name, version } });
  const model = useQuery(RegisteredModelDocument, { variables: { name } });
  const history = useQuery(ModelTransitionsDocument, { variables: { name, first: HISTORY_PAGE } });
  const report = useQuery(PromotionReportDocument, { variables: { name, version, locale } });
  const jobs = useQuery(EvaluationJobsDocument, { variables: { filter: { modelName: name }, first: 50 } });
  useSubscription(ModelVersionChangedDocument, {
    variables: { name },
    onData: () => {
      void v.refetch();
      void history.refetch();
      void report.refetch();
    },
  });
  const holders = useMemo(() => {
    const versions = model.data?.registeredModel?.versions.nodes ?? [];
    const aliases = new Map<string, number>();
    for (const x of versions) for (const a of x.aliases) aliases.set(a, x.version);
    return { production: versions.find((x) => x.stage === 'PRODUCTION')?.version ?? null, aliases };
  }, [model.data]);
  const lastGates = useMemo(() => {
    const ts = (history.data?.modelVersionTransitions.nodes ?? []).filter((t) => t.version === version && t.gates);
    const t = ts[ts.length - 1];
    return t ? { t, report: t.gates } : null;
  }, [history.data, version]);

  if (v.error) return <ErrorBox error={v.error} />;
  const mv = v.data?.modelVersion;
  if (v.data && !mv)
    return (
      <p className="muted" data-testid="not-found">
        No version {raw} of {name}.
      </p>
    );
  if (!mv) return <p className="muted">Loading…</p>;
  const evaluations = (jobs.data?.evaluationJobs.nodes ?? []).filter((j) => j.modelVersion === version);
  return (
    <section>
      <div className="page-head">
        <h1>
          <Link to="/models">Registry</Link> / <Link to={`/models/${encodeURIComponent(name)}`}>{name}</Link> / v{mv.version}
        </h1>
        <StatusBadge status={mv.stage} />
        {mv.aliases.map((a) => (
          <span key={a} className="alias">
            {a}
          </span>
        ))}
      </div>
      <p className="meta">
        {mv.sourceRun ? (
          <>
            From run <Link to={`/runs/${mv.sourceRun.id}`}>{mv.sourceRun.name}</Link> ({mv.sourceRun.shortId})
          </>
        ) : (
          'Source run gone'
        )}{' '}
        · {mv.artifactPath}
        {mv.artifact ? ` (${formatBytes(mv.artifact.size)})` : ''} · sha256 {mv.artifactSha256?.slice(0, 12) ?? '—'} · in {mv.stage} since {formatTime(mv.stageEnteredAt)}
      </p>
      <div className="columns">
        <div>
          <h2>Metrics of the source run</h2>
          <table className="grid-table small">
            <thead>
              <tr>
                <th>Key</th>
                <th className="num">Last</th>
                <th className="num">Max (step)</th>
              </tr>
            </thead>
            <tbody>
              {mv.metrics.slice(0, 50).map((m) => (
                <tr key={m.key}>
                  <th>{m.key}</th>
                  <td className="num">{formatNumber(m.last)}</td>
                  <td className="num">
                    {formatNumber(m.max)} ({m.maxStep ?? '—'})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Gates, as last evaluated</h2>
          {lastGates?.report ? (
            <>
              <p className="small muted">
                At transition #{lastGates.t.seq} ({lastGates.t.fromStage} → {lastGates.t.toStage}, {formatTime(lastGates.t.at)})
              </p>
              <GateList gates={lastGates.report.gates} testId="version-gates" />
            </>
          ) : (
            <p className="muted">No gate was evaluated for this version yet; a promotion evaluates them.</p>
          )}
          <h2>Evaluations</h2>
          <ul>
            {evaluations.map((j) => (
              <li key={j.id}>
                <Link to={`/evaluations/${j.id}`}>
                  {j.dataset.name} v{j.dataset.version} · imgsz {j.settings.imgsz}
                </Link>{' '}
                <StatusBadge status={j.status} /> {j.result ? `map50 ${formatNumber(j.result.map50, 3)}` : ''}
              </li>
            ))}
          </ul>
          <EvaluateForm modelName={name} version={version} />
        </div>
        <div>
          <h2>Promote</h2>
          <PromoteForm name={name} version={version} stage={mv.stage} holders={holders} />
        </div>
      </div>
      <h2>History of v{version}</h2>
      {history.data && <TransitionHistory transitions={history.data.modelVersionTransitions.nodes} version={version} />}
      <h2>
        Decision report{' '}
        <select value={locale} onChange={(e) => setLocale(e.target.value as ReportLocale)} aria-label="Report language">
          <option value="en">English</option>
          <option value="fr">Français</option>
        </select>
      </h2>
      <ErrorBox error={report.error} />
      {report.data && (
        <Suspense fallback="…">
          <div data-testid="report">
            <Markdown text={report.data.promotionReport.markdown} />
          </div>
        </Suspense>
      )}
    </section>
  );
}
