import { graphql } from '@/gql';

export const OidcConfigFieldsFragment = graphql(`
  fragment OidcConfigFields on OidcConfig {
    issuer
    clientId
    clientSecretSet
    scopes
    allowedEmailDomains
    defaultRole
    roleClaim
    roleMapping {
      claimValue
      roles
    }
    ssoRequired
    redirectUri
    loginUrl
    updatedAt
  }
`);

export const AdminOidcConfigQuery = graphql(`
  query AdminOidcConfig {
    viewer {
      id
      tenant {
        id
        slug
      }
    }
    oidcConfig {
      ...OidcConfigFields
    }
  }
`);

export const ConfigureOidcMutation = graphql(`
  mutation ConfigureOidc($input: ConfigureOidcInput!) {
    configureOidc(input: $input) {
      ...OidcConfigFields
    }
  }
`);

export const RemoveOidcConfigMutation = graphql(`
  mutation RemoveOidcConfig {
    removeOidcConfig
  }
`);
