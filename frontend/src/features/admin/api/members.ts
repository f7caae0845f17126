import { graphql } from '@/gql';

/** Refetch member pages after any mutation returning a Member, even when a page was empty. */
export const MEMBER_CONTEXT = { additionalTypenames: ['Member'] };

export const MemberFieldsFragment = graphql(`
  fragment MemberFields on Member {
    id
    email
    displayName
    roles
    status
    lastLoginAt
    joinedAt
    signInMethods
  }
`);

export const AdminMembersQuery = graphql(`
  query AdminMembers($first: Int!, $after: String, $search: String, $status: MemberStatus) {
    viewer {
      id
    }
    members(first: $first, after: $after, search: $search, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...MemberFields
        }
      }
    }
  }
`);

/** Role names and descriptions for the role pickers. */
export const AdminRoleOptionsQuery = graphql(`
  query AdminRoleOptions {
    roles {
      name
      description
      builtIn
      permissions
    }
  }
`);

export const InviteMemberMutation = graphql(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      inviteUrl
      expiresAt
      member {
        ...MemberFields
      }
    }
  }
`);

export const SetMemberRolesMutation = graphql(`
  mutation SetMemberRoles($input: SetMemberRolesInput!) {
    setMemberRoles(input: $input) {
      ...MemberFields
    }
  }
`);

export const DeactivateMemberMutation = graphql(`
  mutation DeactivateMember($userId: ID!) {
    deactivateMember(userId: $userId) {
      ...MemberFields
    }
  }
`);

export const ReactivateMemberMutation = graphql(`
  mutation ReactivateMember($userId: ID!) {
    reactivateMember(userId: $userId) {
      ...MemberFields
    }
  }
`);
