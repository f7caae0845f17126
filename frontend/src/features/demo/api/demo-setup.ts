import { graphql } from '@/gql';

export const DemoSetupQuery = graphql(`
  query DemoSetup {
    demoSetup {
      step
      total
      label
      done
      error
    }
  }
`);
