import { graphql } from '@/gql';

export const PromotionPolicyFieldsFragment = graphql(`
  fragment PromotionPolicyFields on PromotionPolicy {
    productionRequiresApproval
    stagingRequiresApproval
    requestTtlHours
    isDefault
    updatedAt
  }
`);

export const AdminPromotionPolicyQuery = graphql(`
  query AdminPromotionPolicy {
    promotionPolicy {
      ...PromotionPolicyFields
    }
  }
`);

export const SetPromotionPolicyMutation = graphql(`
  mutation SetPromotionPolicy($input: SetPromotionPolicyInput!) {
    setPromotionPolicy(input: $input) {
      ...PromotionPolicyFields
    }
  }
`);

/** Every page that reads the policy (the version page's buttons) asks again. */
export const PROMOTION_POLICY_CONTEXT = { additionalTypenames: ['PromotionPolicy'] };
