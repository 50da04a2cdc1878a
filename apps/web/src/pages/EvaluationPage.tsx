// One evaluation job: live progress while it runs, then its numbers, PR curve, P/R/F1 against confidence with the
// operating points marked, per-class AP, the confusion matrix and COCO stats; `?vs=<job>` overlays another one
// (candidate vs champion).
import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { readEvaluationRaw } from '../api/adapters';
import { Chart } from '../components/Chart';
import { ConfusionMatrixView } from '../components/ConfusionMatrix';
import { ErrorBox } from '../components/ErrorBox';
import { StatusBadge } from '../components/StatusBadge';
import { EvaluationJobDocument, EvaluationJobUpdatedDocument, type EvaluationJobQuery } from '../graphql/generated';
import { confidenceChart, prChart } from '../lib/eval-curves';
import { formatDuration, formatTime } from '../lib/format';
import { formatNumber } from '../lib/grid';

type Job = NonNullable<EvaluationJobQuery['evaluationJob']>;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

function useJob(id: string | null) {
  const q = useQuery(EvaluationJobDocument, { variables: { id: id ?? '' }, skip: !id });
  const job = q.data?.evaluationJob ?? null;
  const live = !!job && !TERMINAL.has(job.status);
  useSubscription(EvaluationJobUpdatedDocument, { variables: { jobId: id ?? '' }, skip: !id || !live });
  // The subscription carries status and progress; the result (with its curves) is read once the job ends.
  const { refetch } = q;
  const ended = !!job && TERMINAL.has(job.status) && job.status === 'SUCCEEDED' && !job.result;
  useEffect(() => {
    if (ended) void refetch();
  }, [ended, refetch]);
  return { ...q, job };
}

const jobLabel = (j: Job) => (j.modelName ? `${j.modelName} v${j.modelVersion}` : j.artifactPath);

function Tile({ label, value }: { label: string; value: string }) {
  return (
    <div className="tile">
      <div className="tile-value">{value}</div>
      <div className="tile-label">{label}</div>
    </div>
  );
}

export default function EvaluationPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const vsId = params.get('vs');
  const main = useJob(id);
  const vs = useJob(vsId);
  const job = main.job;
  const curves = useMemo(() => readEvaluationRaw(job?.result?.raw), [job?.result?.raw]);
  const vsCurves = useMemo(() => readEvaluationRaw(vs.job?.result?.raw), [vs.job?.result?.raw]);
  const perClass = useMemo(() => job?.result?.perClass ?? [], [job?.result?.perClass]);
  const names = useMemo(() => new Map(perClass.map((c) => [c.classId, c.name])), [perClass]);
  const [cls, setCls] = useState<number | null>(null);
  const [sortKey, setSortKey] = useState<'ap50' | 'ap50_95' | 'name' | 'nLabels'>('ap50');

  const pr = useMemo(() => {
    const list = job ? [{ label: vs.job ? `this (${jobLabel(job)})` : jobLabel(job), curves }] : [];
    if (vs.job) list.push({ label: `vs (${jobLabel(vs.job)})`, curves: vsCurves });
    return prChart(list, cls, cls === null ? '' : (perClass[cls]?.name ?? ''));
  }, [job, vs.job, curves, vsCurves, cls, perClass]);
  const conf = useMemo(() => confidenceChart(curves, job?.result?.thresholdSweep ?? [], job?.settings.iou ?? 0.7), [curves, job]);
  const markers = useMemo(() => {
    const r = job?.result;
    if (!r) return [];
    const out = [{ x: r.bestConfidence, label: `F1-optimal ${r.bestConfidence.toFixed(3)}`, color: '#c62828' }];
    if (job.settings.conf >= 0.01) out.push({ x: job.settings.conf, label: `job conf ${job.settings.conf}`, color: '#6a1b9a' });
    return out;
  }, [job]);

  if (main.error) return <ErrorBox error={main.error} />;
  if (!job) return <p className="muted">{main.loading ? 'Loading…' : 'No such evaluation job.'}</p>;
  const r = job.result;
  const sorted = [...perClass].sort((a, b) => (sortKey === 'name' ? a.name.localeCompare(b.name) : (b[sortKey] ?? -1) - (a[sortKey] ?? -1)));
  const p = job.progress;
  return (
    <section>
      <div className="page-head">
        <h1>
          <Link to="/evaluations">Evaluations</Link> / {jobLabel(job)} on {job.dataset.name} v{job.dataset.version}
        </h1>
        <StatusBadge status={job.status} />
      </div>
      <p className="meta">
        imgsz {job.settings.imgsz} · conf {job.settings.conf} · IoU {job.settings.iou} · max det {job.settings.maxDet}
        {job.settings.classes ? ` · classes ${job.settings.classes.join(',')}` : ''} · {job.settings.executionProvider} · attempt {job.attempt}/{job.maxAttempts}
        {job.runId && (
          <>
            {' '}
            · <Link to={`/runs/${job.runId}`}>evaluation run</Link>
          </>
        )}
        {job.sourceRunId && (
          <>
            {' '}
            · <Link to={`/runs/${job.sourceRunId}`}>source run</Link>
          </>
        )}{' '}
        · created {formatTime(job.createdAt)}
      </p>
      {!TERMINAL.has(job.status) && (
        <div className="progress" data-testid="job-progress">
          <progress max={p?.total ?? 1} value={p?.done ?? 0} />{' '}
          {p ? `${p.done} / ${p.total} images · ${p.imagesPerSecond.toFixed(1)} img/s · ETA ${formatDuration(p.etaSeconds * 1000)}` : job.status === 'QUEUED' ? 'Waiting for a worker…' : 'Starting…'}
        </div>
      )}
      {job.error && (
        <pre className="error">
          {job.errorCode}: {job.error}
        </pre>
      )}
      {r && (
        <>
          <div className="tiles" data-testid="eval-tiles">
            <Tile label="mAP@50" value={formatNumber(r.map50, 3)} />
            <Tile label="mAP@50-95" value={formatNumber(r.map50_95, 3)} />
            <Tile label="precision" value={formatNumber(r.precision, 3)} />
            <Tile label="recall" value={formatNumber(r.recall, 3)} />
            <Tile label="F1" value={formatNumber(r.f1, 3)} />
            <Tile label="F1-optimal conf" value={formatNumber(r.bestConfidence, 3)} />
            <Tile label={`${r.executionProvider} · ${formatNumber(r.imagesPerSecond, 1)} img/s`} value={`${r.imagesEvaluated} img`} />
          </div>
          <p className="small muted">
            {r.device}
            {r.fallbackReason ? ` · CUDA not used: ${r.fallbackReason}` : ''}
            {r.skippedImages ? ` · ${r.skippedImages} images skipped` : ''}
            {r.precisionAtConf !== null && ` · at the job's conf: precision ${formatNumber(r.precisionAtConf, 3)}, recall ${formatNumber(r.recallAtConf, 3)}`}
          </p>
          <div className="toolbar">
            <label>
              Class on the PR chart{' '}
              <select value={cls ?? ''} onChange={(e) => setCls(e.target.value === '' ? null : Number(e.target.value))}>
                <option value="">(mean only)</option>
                {perClass.map((c, i) => (
                  <option key={c.classId} value={i}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Compare with job{' '}
              <input placeholder="job id" defaultValue={vsId ?? ''} onKeyDown={(e) => e.key === 'Enter' && setParams(e.currentTarget.value ? { vs: e.currentTarget.value.trim() } : {})} />
            </label>
          </div>
          <div className="charts">
            <Chart
              title="Precision–recall (IoU 0.5)"
              data={pr.data}
              series={pr.labels.map((label, i) => ({ label, width: i === 0 ? 2.5 : 1.5, dash: i === 1 && vs.job ? [6, 4] : undefined }))}
              xLabel="recall"
              yLabel="precision"
              xRange={[0, 1]}
              yRange={[0, 1.02]}
              testId="pr-curve"
            />
            <Chart
              title={`P / R / F1 against confidence${conf.source === 'sweep' ? ` (sweep at IoU ${job.settings.iou})` : ''}`}
              data={conf.data}
              series={conf.labels.map((label) => ({ label }))}
              xLabel="confidence"
              xRange={[0, 1]}
              yRange={[0, 1.02]}
              markers={markers}
              testId="confidence-curve"
            />
          </div>
          {vs.job?.result && (
            <table className="grid-table small" data-testid="eval-compare">
              <thead>
                <tr>
                  <th />
                  <th className="num">mAP@50</th>
                  <th className="num">mAP@50-95</th>
                  <th className="num">P</th>
                  <th className="num">R</th>
                </tr>
              </thead>
              <tbody>
                {[job, vs.job].map((j) => (
                  <tr key={j.id}>
                    <th>
                      <Link to={`/evaluations/${j.id}`}>{jobLabel(j)}</Link> ({j.dataset.name} v{j.dataset.version})
                    </th>
                    <td className="num">{formatNumber(j.result!.map50, 3)}</td>
                    <td className="num">{formatNumber(j.result!.map50_95, 3)}</td>
                    <td className="num">{formatNumber(j.result!.precision, 3)}</td>
                    <td className="num">{formatNumber(j.result!.recall, 3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>COCO stats</h2>
          <table className="grid-table small" data-testid="coco-stats">
            <tbody>
              {Object.entries(Object.keys(curves.cocoStats).length ? curves.cocoStats : { ap: r.coco.ap, ap50: r.coco.ap50, ap75: r.coco.ap75, ar100: r.coco.ar100 }).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td className="num">{v < 0 ? '— (no ground truth)' : formatNumber(v, 3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Per class</h2>
          <table className="grid-table small" data-testid="per-class">
            <thead>
              <tr>
                <th className="sortable" onClick={() => setSortKey('name')}>
                  Class
                </th>
                <th className="num sortable" onClick={() => setSortKey('nLabels')}>
                  Labels
                </th>
                <th className="num">Predictions</th>
                <th className="num sortable" onClick={() => setSortKey('ap50')}>
                  AP@50
                </th>
                <th className="num sortable" onClick={() => setSortKey('ap50_95')}>
                  AP@50-95
                </th>
                <th className="num">P</th>
                <th className="num">R</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((c) => (
                <tr key={c.classId}>
                  <th>{c.name}</th>
                  <td className="num">{c.nLabels ?? '—'}</td>
                  <td className="num">{c.nPredictions ?? '—'}</td>
                  <td className="num">{formatNumber(c.ap50, 3)}</td>
                  <td className="num">{formatNumber(c.ap50_95, 3)}</td>
                  <td className="num">{formatNumber(c.precision, 3)}</td>
                  <td className="num">{formatNumber(c.recall, 3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Confusion matrix</h2>
          {curves.confusionMatrix ? <ConfusionMatrixView cm={curves.confusionMatrix} names={names} /> : <p className="muted">This worker did not report a confusion matrix.</p>}
          <h2>Threshold sweep</h2>
          <div className="wide-scroll">
            <table className="grid-table small">
              <thead>
                <tr>
                  <th>IoU \ conf</th>
                  {r.thresholdSweep[0]?.points.map((pt) => (
                    <th key={pt.conf} className="num">
                      {pt.conf}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {r.thresholdSweep.map((s) => (
                  <tr key={s.iou}>
                    <th>{s.iou}</th>
                    {s.points.map((pt) => (
                      <td key={pt.conf} className="num" title={`P ${pt.precision.toFixed(3)} R ${pt.recall.toFixed(3)}`}>
                        F1 {pt.f1.toFixed(3)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
