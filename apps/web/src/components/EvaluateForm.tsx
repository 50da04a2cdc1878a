// Queue an evaluation of a registered version on a dataset; the page follows the job.
import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { DatasetsDocument, EvaluateModelDocument, type ExecutionProvider } from '../graphql/generated';
import { useSession } from '../session';
import { ErrorBox } from './ErrorBox';

export function EvaluateForm({ modelName, version }: { modelName: string; version: number }) {
  const session = useSession();
  const datasets = useQuery(DatasetsDocument, { skip: !session.canEdit });
  const [dataset, setDataset] = useState('');
  const [imgsz, setImgsz] = useState(640);
  const [ep, setEp] = useState<ExecutionProvider>('AUTO');
  const [evaluate, { loading, error }] = useMutation(EvaluateModelDocument);
  const navigate = useNavigate();
  if (session.pending) return null;
  if (!session.canEdit) return <p className="muted">Read-only: your role ({session.role}) cannot queue evaluations.</p>;
  const names = [...new Set(datasets.data?.datasets.nodes.map((d) => d.name) ?? [])];
  const chosen = dataset || names[0] || '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const res = await evaluate({ variables: { input: { modelName, version, dataset: { name: chosen }, imgsz, executionProvider: ep } } });
      if (res.data) navigate(`/evaluations/${res.data.evaluateModel.id}`);
    } catch {
      // shown from `error`
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} data-testid="evaluate-form">
      <label>
        Dataset{' '}
        <select value={chosen} onChange={(e) => setDataset(e.target.value)}>
          {names.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
      <label>
        imgsz <input type="number" step={32} min={32} max={4096} value={imgsz} onChange={(e) => setImgsz(Number(e.target.value))} />
      </label>
      <label>
        Provider{' '}
        <select value={ep} onChange={(e) => setEp(e.target.value as ExecutionProvider)}>
          <option>AUTO</option>
          <option>CPU</option>
          <option>CUDA</option>
        </select>
      </label>
      <button type="submit" disabled={loading || !chosen}>
        Evaluate
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
