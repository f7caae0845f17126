import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generates typed documents from the checked-in schema (../schema.graphql,
 * owned by the backend) and the operations written with `graphql(...)` in
 * src/features/<area>/api/*.ts. The output in src/gql/ is committed so a
 * build never needs to run codegen.
 */
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          JSON: 'unknown',
          Upload: 'File',
        },
        avoidOptionals: false,
      },
    },
  },
};

export default config;
