// Who may call a REST route, declared on the route (or its controller) and checked by one guard (RestAccessGuard,
// global): @RestRoles(...) names the roles (any one suffices), @RestWrite() takes from the caller's write rate bucket,
// @RestPublic() opens the route to anyone. A route that declares nothing is closed. @Caller() hands the checked
// identity to the handler.
import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Identity, Role } from './roles';

export const REST_ACCESS = 'podium:rest-access';
export const REST_WRITE = 'podium:rest-write';

export type RestAccess = { readonly public: true } | { readonly public: false; readonly roles: readonly Role[] };

export const RestRoles = (...roles: [Role, ...Role[]]) => SetMetadata<string, RestAccess>(REST_ACCESS, { public: false, roles });
export const RestPublic = () => SetMetadata<string, RestAccess>(REST_ACCESS, { public: true });
export const RestWrite = () => SetMetadata(REST_WRITE, true);

const callers = new WeakMap<IncomingMessage, Identity>();

/** Called by the guard once the caller is checked. */
export function admitCaller(req: IncomingMessage, identity: Identity): void {
  callers.set(req, identity);
}

/** The identity the guard admitted for this request (a route with @RestRoles). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => {
  const identity = callers.get(ctx.switchToHttp().getRequest<IncomingMessage>());
  if (!identity) throw new Error('@Caller() on a route without @RestRoles');
  return identity;
});
