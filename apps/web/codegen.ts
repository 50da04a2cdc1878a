// GraphQL Code Generator: typed operations for the page from the api's committed schema. `npm run codegen` writes
// src/graphql/generated.ts (committed; CI regenerates it and fails when it differs, like apps/api/schema.graphql).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'apps/api/schema.graphql',
  documents: 'apps/web/src/graphql/*.graphql',
  generates: {
    'apps/web/src/graphql/generated.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        scalars: {
          DateTimeISO: 'string',
          JSONObject: 'Record<string, unknown>',
          MetricValue: 'number | string',
        },
      },
    },
  },
  silent: true,
};

export default config;
