// Apollo plugin: runs the operation limits once the operation is parsed, validated and resolved, before execution.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphqlContext } from '../../graphql/context';
import type { OperationLimits } from './operation-limits';

export function abuseLimitsPlugin(limits: OperationLimits): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          await limits.check({ schema: rc.schema, document: rc.document, operationName: rc.operationName, variables: rc.request.variables, identity: rc.contextValue.identity });
        },
      };
    },
  };
}
