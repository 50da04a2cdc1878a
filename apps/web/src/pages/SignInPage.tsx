// Token sign-in (token mode, or any request that is not the loopback local admin). The token is kept in this tab's
// sessionStorage only; the form posts nowhere and the token never appears in a URL.
import { type FormEvent, useState } from 'react';
import { clearToken, setToken } from '../api/auth';

export function SignInPage({ problem }: { problem: string | null }) {
  const [value, setValue] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = value.trim();
    if (!/^pod_[A-Za-z0-9_-]{8,}$/.test(t)) {
      setLocal('A Podium token starts with pod_ (create one with `npm run token -- create --name me --role VIEWER`).');
      return;
    }
    setToken(t);
    window.location.reload();
  };
  return (
    <main className="signin">
      <h1>Podium</h1>
      <p>This server needs an api token. Paste yours: it is kept for this tab only.</p>
      <form onSubmit={submit} autoComplete="off">
        <label>
          Token
          <input name="token" type="password" autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} placeholder="pod_…" />
        </label>
        <button type="submit">Sign in</button>
      </form>
      {(local || problem) && (
        <p className="error" role="alert">
          {local ?? problem}{' '}
          {problem && (
            <button type="button" className="link" onClick={() => (clearToken(), window.location.reload())}>
              Forget the token
            </button>
          )}
        </p>
      )}
    </main>
  );
}
