// Who is using the page (viewer { name role }) and what that role may do: VIEWER reads, EDITOR also logs and moves
// versions to STAGING / aliases and queues evaluations, ADMIN also promotes to PRODUCTION / ARCHIVED.
import { useQuery } from '@apollo/client/react';
import { createContext, type ReactNode, useContext } from 'react';
import { errorCode, errorMessage } from './api/errors';
import { getToken } from './api/auth';
import { ViewerDocument, type Role } from './graphql/generated';
import { SignInPage } from './pages/SignInPage';

export interface Session {
  name: string;
  role: Role;
  authMode: string;
  canEdit: boolean;
  isAdmin: boolean;
  signedInWithToken: boolean;
  /** true until viewer answers: the page renders (and fetches) meanwhile, with no write control shown. */
  pending: boolean;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <SessionGate>');
  return s;
}

/**
 * Renders the page at once, so its own queries start alongside `viewer` instead of after it; until `viewer` answers
 * the session is read-only. An UNAUTHENTICATED answer replaces the page with the token sign-in.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { data, error } = useQuery(ViewerDocument, { fetchPolicy: 'network-only' });
  if (error && !data) {
    const code = errorCode(error);
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return <SignInPage problem={getToken() ? errorMessage(error) : null} />;
    return (
      <div className="boot error" role="alert">
        The api did not answer: {errorMessage(error)}
      </div>
    );
  }
  const role = data?.viewer.role ?? 'VIEWER';
  const session: Session = {
    name: data?.viewer.name ?? '…',
    role,
    authMode: data?.serverInfo.authMode ?? '',
    canEdit: !!data && (role === 'EDITOR' || role === 'ADMIN'),
    isAdmin: !!data && role === 'ADMIN',
    signedInWithToken: !!getToken(),
    pending: !data,
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
