import { graphql } from '@/gql';

export const TenantEventsSubscription = graphql(`
  subscription TenantEvents($topics: [String!]) {
    tenantEvents(topics: $topics) {
      topic
      occurredAt
      payload
    }
  }
`);
