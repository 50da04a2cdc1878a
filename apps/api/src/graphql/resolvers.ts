// Every type-graphql resolver class, listed once (features append theirs; each is also a provider of its Nest module).
import { HealthResolver } from '../health/health.resolver';

export const RESOLVERS: Function[] = [HealthResolver];
