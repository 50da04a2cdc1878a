// Promote a version: a stage or an alias, with the decision (justification, alternatives, risks, next steps) kept
// in the history. A refusal for unmet gates lists each one with its evidence. The version the page believes holds
// PRODUCTION (or the alias) is sent as expectedCurrentVersion, so a concurrent promotion is a CONFLICT, not a surprise.
import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { readUnmetGates } from '../api/adapters';
import { errorCode, graphqlErrors } from '../api/errors';
import { ModelTransitionsDocument, type ModelStage, PromoteModelVersionDocument, RegisteredModelDocument } from '../graphql/generated';
import { useSession } from '../session';
import { ErrorBox } from './ErrorBox';
import { GateList } from './GateList';
import { HISTORY_PAGE } from '../api/page-sizes';

type Target = 'STAGING' | 'PRODUCTION' | 'ARCHIVED' | 'ALIAS';
const ADMIN_ONLY = new Set<Target>(['PRODUCTION', 'ARCHIVED']);

export function PromoteForm({ name, version, stage, holders }: { name: string; version: number; stage: ModelStage; holders: { production: number | null; aliases: Map<string, number> } }) {
  const session = useSession();
  const [target, setTarget] = useState<Target>(stage === 'STAGING' ? 'PRODUCTION' : 'STAGING');
  const [alias, setAlias] = useState('champion');
  const [justification, setJustification] = useState('');
  const [alternatives, setAlternatives] = useState('');
  const [risks, setRisks] = useState('');
  const [nextSteps, setNextSteps] = useState('');
  const [useReport, setUseReport] = useState(false);
  const [locale, setLocale] = useState('en');
  const [done, setDone] = useState<string | null>(null);
  const [promote, { loading, error, reset }] = useMutation(PromoteModelVersionDocument, {
    refetchQueries: [
      { query: RegisteredModelDocument, variables: { name } },
      { query: ModelTransitionsDocument, variables: { name, first: HISTORY_PAGE } },
    ],
    awaitRefetchQueries: true,
  });

  if (session.pending) return null;
  if (!session.canEdit) return <p className="muted">Read-only: your role ({session.role}) cannot promote.</p>;

  const needsJustification = target === 'STAGING' || target === 'PRODUCTION';
  const forbidden = ADMIN_ONLY.has(target) && !session.isAdmin;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    reset();
    setDone(null);
    const expected = target === 'PRODUCTION' ? (holders.production ?? 0) : target === 'ALIAS' ? (holders.aliases.get(alias.trim()) ?? 0) : undefined;
    const decision =
      justification.trim() || needsJustification
        ? {
            justification: justification.trim(),
            alternatives: alternatives.trim() || null,
            risks: risks.trim() || null,
            nextSteps: nextSteps.trim() || null,
            useReport,
            reportLocale: useReport ? locale : null,
          }
        : null;
    try {
      const res = await promote({
        variables: { input: { name, version, ...(target === 'ALIAS' ? { alias: alias.trim() } : { stage: target }), expectedCurrentVersion: expected, decision } },
      });
      const ts = res.data?.promoteModelVersion.transitions ?? [];
      setDone(ts.map((t) => (t.kind === 'ALIAS' ? `v${t.version} is now ${t.alias}` : `v${t.version}: ${t.fromStage} → ${t.toStage}`)).join('; '));
      setJustification('');
    } catch {
      // shown from `error`
    }
  };
  const unmet = error && errorCode(error) === 'FAILED_PRECONDITION' ? graphqlErrors(error).flatMap((e) => readUnmetGates(e.extensions)) : [];
  return (
    <form className="promote" onSubmit={submit} data-testid="promote-form">
      <label>
        To{' '}
        <select value={target} onChange={(e) => setTarget(e.target.value as Target)}>
          <option value="STAGING">STAGING</option>
          <option value="PRODUCTION">PRODUCTION{session.isAdmin ? '' : ' (ADMIN)'}</option>
          <option value="ARCHIVED">ARCHIVED{session.isAdmin ? '' : ' (ADMIN)'}</option>
          <option value="ALIAS">an alias…</option>
        </select>
      </label>
      {target === 'ALIAS' && (
        <label>
          Alias <input value={alias} onChange={(e) => setAlias(e.target.value)} />
        </label>
      )}
      <label>
        Justification{needsJustification ? ' (required)' : ''}
        <textarea name="justification" value={justification} onChange={(e) => setJustification(e.target.value)} rows={2} required={needsJustification} />
      </label>
      <label>
        Alternatives considered
        <textarea name="alternatives" value={alternatives} onChange={(e) => setAlternatives(e.target.value)} rows={2} />
      </label>
      <label>
        Risks
        <textarea name="risks" value={risks} onChange={(e) => setRisks(e.target.value)} rows={2} />
      </label>
      <label>
        Next steps
        <textarea value={nextSteps} onChange={(e) => setNextSteps(e.target.value)} rows={1} />
      </label>
      <label className="inline">
        <input type="checkbox" checked={useReport} onChange={(e) => setUseReport(e.target.checked)} /> Store the decision report with it
        <select value={locale} onChange={(e) => setLocale(e.target.value)} disabled={!useReport}>
          <option value="en">en</option>
          <option value="fr">fr</option>
        </select>
      </label>
      <button type="submit" disabled={loading || forbidden}>
        {forbidden ? `${target} needs ADMIN` : loading ? 'Promoting…' : 'Promote'}
      </button>
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      {unmet.length > 0 ? (
        <div className="refused" role="alert" data-testid="promote-refused">
          <p className="error">{graphqlErrors(error)[0]?.message}</p>
          <GateList gates={unmet} testId="unmet-gates" />
        </div>
      ) : (
        <ErrorBox error={error} />
      )}
    </form>
  );
}
