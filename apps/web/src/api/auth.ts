// The api token of this tab. It lives in sessionStorage (gone when the tab closes), is sent only as the
// Authorization header / graphql-ws connectionParams, and never goes into a URL, a log or localStorage.
const KEY = 'podium.token';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** `Authorization` header value, or undefined without a token (local mode on loopback needs none). */
export function authorization(): string | undefined {
  const t = getToken();
  return t ? `Bearer ${t}` : undefined;
}

/** Headers for fetch() of artifacts: the same credentials as GraphQL. */
export function authHeaders(): Record<string, string> {
  const a = authorization();
  return a ? { authorization: a } : {};
}
