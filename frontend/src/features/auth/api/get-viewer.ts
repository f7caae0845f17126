import { graphql } from '@/gql';

/** Who is signed in, and for which organization. Loaded once by the app frame. */
export const AppViewerQuery = graphql(`
  query AppViewer {
    viewer {
      id
      email
      displayName
      roles
      authMethod
      permissions
      tenant {
        id
        slug
        name
      }
    }
  }
`);
