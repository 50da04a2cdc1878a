// Who made a request, for its access line: auth notes the identity it resolved (the name of a token, never its secret).
import type { IncomingMessage } from 'node:http';

const callers = new WeakMap<IncomingMessage, string>();

export function noteCaller(req: IncomingMessage, identity: { name: string } | null | undefined): void {
  if (identity) callers.set(req, identity.name);
}

export function callerOf(req: IncomingMessage): string | undefined {
  return callers.get(req);
}
