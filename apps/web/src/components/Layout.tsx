import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { clearToken } from '../api/auth';
import { useSession } from '../session';

export function Layout({ children }: { children: ReactNode }) {
  const s = useSession();
  return (
    <div className="app">
      <header className="top">
        <NavLink to="/" className="brand">
          Podium
        </NavLink>
        <nav>
          <NavLink to="/" end>
            Experiments
          </NavLink>
          <NavLink to="/evaluations">Evaluations</NavLink>
          <NavLink to="/models">Registry</NavLink>
          {/* A full page load: GraphiQL is its own bundle. */}
          <a href="/graphiql">GraphiQL</a>
        </nav>
        <span className="who" data-testid="viewer">
          {s.pending ? (
            '…'
          ) : (
            <>
              {s.name} · <span className={`role role-${s.role}`}>{s.role}</span>
            </>
          )}
          {s.signedInWithToken && (
            <button type="button" className="link" onClick={() => (clearToken(), window.location.reload())}>
              Sign out
            </button>
          )}
        </span>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
