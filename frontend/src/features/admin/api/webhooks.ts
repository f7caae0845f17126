import { graphql } from '@/gql';

export const WebhooksQuery = graphql(`
  query Webhooks($first: Int!, $after: String) {
    webhooks(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          url
          events
          createdAt
        }
      }
    }
  }
`);

export const CreateWebhookMutation = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      secret
      webhook {
        id
        url
        events
        createdAt
      }
    }
  }
`);

export const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($webhookId: ID!, $first: Int!, $after: String) {
    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          eventId
          event
          status
          attempts
          lastStatusCode
          lastError
          nextAttemptAt
          deliveredAt
          createdAt
        }
      }
    }
  }
`);

/** The events a webhook can subscribe to (CreateWebhookInput.events). */
export const WEBHOOK_EVENTS = ['alert.opened', 'alert.acknowledged', 'alert.resolved'] as const;

export const WEBHOOKS_CONTEXT = { additionalTypenames: ['Webhook', 'WebhookConnection'] };
