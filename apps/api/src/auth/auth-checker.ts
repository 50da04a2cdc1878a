// type-graphql's authChecker: every operation declares @Authorized(role); Nest guards do not wrap type-graphql resolvers.
import { AuthenticationError, type AuthChecker } from 'type-graphql';
import { AppError } from '../common/app-error';
import type { GraphqlContext } from '../graphql/context';
import { type Role, roleSatisfies } from './roles';

export const authChecker: AuthChecker<GraphqlContext, Role> = ({ context, info }, roles) => {
  const identity = context.identity;
  if (!identity) throw new AuthenticationError(`Authentication required: ${context.authProblem ?? 'no token'}`);
  if (roles.length === 0 || roles.some((r) => roleSatisfies(identity.role, r))) return true;
  throw new AppError('FORBIDDEN', `${info.parentType.name}.${info.fieldName} requires role ${roles.join(' or ')}; token "${identity.name}" has role ${identity.role}`);
};
