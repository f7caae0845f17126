import { graphql } from '@/gql';

export const RoleFieldsFragment = graphql(`
  fragment RoleFields on RoleDefinition {
    name
    description
    builtIn
    permissions
    memberCount
  }
`);

export const AdminRolesQuery = graphql(`
  query AdminRoles {
    roles {
      ...RoleFields
    }
    permissions {
      name
      resource
      action
      description
    }
  }
`);

export const CreateRoleMutation = graphql(`
  mutation CreateRole($input: CreateRoleInput!) {
    createRole(input: $input) {
      ...RoleFields
    }
  }
`);

export const UpdateRoleMutation = graphql(`
  mutation UpdateRole($input: UpdateRoleInput!) {
    updateRole(input: $input) {
      ...RoleFields
    }
  }
`);

export const DeleteRoleMutation = graphql(`
  mutation DeleteRole($name: String!) {
    deleteRole(name: $name)
  }
`);
