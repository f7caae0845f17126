import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { ActivityIcon, MailIcon, PlusIcon, RefreshIcon } from '@/components/ui/icons';
import { NoRows, PagedTable } from '@/components/ui/paged-table';
import { RelativeTime } from '@/components/ui/relative-time';
import type { WebhookDeliveryStatus, WebhooksQuery as WebhooksResult } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { useConnectionPages, useReportPage, type PageSlot } from '@/lib/use-connection-pages';

import {
  CreateWebhookMutation,
  DeleteWebhookMutation,
  WEBHOOK_EVENTS,
  WEBHOOKS_CONTEXT,
  WebhookDeliveriesQuery,
  WebhooksQuery,
} from '../api/webhooks';
import { MAX_URL, urlProblem } from '../lib/webhook-url';
import { WebhookSecret } from './webhook-secret';

import './admin.css';

const PAGE_SIZE = 25;
type Webhook = WebhooksResult['webhooks']['edges'][number]['node'];

const DELIVERY_LABEL: Record<WebhookDeliveryStatus, string> = {
  PENDING: 'Pending',
  RETRYING: 'Retrying',
  DELIVERED: 'Delivered',
  FAILED: 'Failed',
};
const DELIVERY_TONE: Record<WebhookDeliveryStatus, BadgeTone> = {
  PENDING: 'neutral',
  RETRYING: 'warning',
  DELIVERED: 'success',
  FAILED: 'danger',
};

function CreateWebhookForm({ onCreated }: { onCreated: (created: { url: string; secret: string }) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...WEBHOOK_EVENTS]);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [{ fetching }, create] = useMutation(CreateWebhookMutation);
  const problem = urlProblem(url);
  const eventsProblem = events.length === 0 ? 'Choose at least one event.' : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setError(null);
    if (problem || eventsProblem) return;
    const result = await create({ input: { url: url.trim(), events } }, WEBHOOKS_CONTEXT);
    const created = result.data?.createWebhook;
    if (result.error || !created) {
      setError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The webhook could not be created.' });
      return;
    }
    setUrl('');
    setTouched(false);
    onCreated({ url: created.webhook.url, secret: created.secret });
  };

  return (
    <form className="stack webhook-form" onSubmit={(event) => void submit(event)} noValidate aria-label="Create a webhook">
      <Field
        label="Receiver URL"
        type="url"
        value={url}
        maxLength={MAX_URL}
        placeholder="https://hooks.example.com/phantom"
        onChange={(event) => setUrl(event.target.value)}
        error={touched && problem ? problem : undefined}
        hint="HTTPS. Private and loopback addresses are refused unless your operator allowed them."
      />
      <fieldset className="webhook-form__events">
        <legend className="field__label">Events</legend>
        {WEBHOOK_EVENTS.map((name) => (
          <label key={name} className="webhook-form__event">
            <input
              type="checkbox"
              checked={events.includes(name)}
              onChange={(event) =>
                setEvents((current) =>
                  event.target.checked ? [...current, name] : current.filter((existing) => existing !== name),
                )
              }
            />
            <code>{name}</code>
          </label>
        ))}
        {touched && eventsProblem ? <p className="field__error">{eventsProblem}</p> : null}
      </fieldset>
      {error ? (
        <Alert role="alert" tone="danger" title="The webhook could not be created">
          <ErrorMessage error={error} />
        </Alert>
      ) : null}
      <div>
        <Button type="submit" icon={<PlusIcon size={16} />} loading={fetching}>
          Create webhook
        </Button>
      </div>
    </form>
  );
}

function WebhookRows({
  page,
  selected,
  onSelect,
  onDelete,
}: {
  page: PageSlot;
  selected: string | null;
  onSelect: (webhook: Webhook) => void;
  onDelete: (webhook: Webhook) => void;
}) {
  const [{ data, error }] = useQuery({
    query: WebhooksQuery,
    variables: { first: PAGE_SIZE, after: page.after },
    context: WEBHOOKS_CONTEXT,
  });
  const connection = data?.webhooks;
  useReportPage(page, connection, error);
  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <tr key={node.id} data-testid="webhook-row" className={selected === node.id ? 'webhook-table__row--selected' : undefined}>
          <th scope="row" className="webhook-table__url">
            <code>{node.url}</code>
          </th>
          <td>
            <span className="webhook-table__events">
              {node.events.map((name) => (
                <Badge key={name} tone="info">
                  {name}
                </Badge>
              ))}
            </span>
          </td>
          <td>
            <RelativeTime value={node.createdAt} />
          </td>
          <td className="webhook-table__actions">
            <Button size="sm" variant="secondary" onClick={() => onSelect(node)} aria-pressed={selected === node.id}>
              Deliveries
            </Button>
            <Button size="sm" variant="danger-ghost" onClick={() => onDelete(node)}>
              Delete
            </Button>
          </td>
        </tr>
      ))}
    </tbody>
  );
}

function DeliveryRows({ page, webhookId, refresh }: { page: PageSlot; webhookId: string; refresh: number }) {
  const [{ data, error }, reexecute] = useQuery({
    query: WebhookDeliveriesQuery,
    variables: { webhookId, first: PAGE_SIZE, after: page.after },
    requestPolicy: 'cache-and-network',
  });
  const connection = data?.webhookDeliveries;
  useReportPage(page, connection, error);
  useEffect(() => {
    if (refresh > 0) reexecute({ requestPolicy: 'network-only' });
  }, [refresh, reexecute]);
  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <tr key={node.id} data-testid="delivery-row">
          <th scope="row">
            <code>{node.event}</code>
          </th>
          <td>
            <Badge tone={DELIVERY_TONE[node.status]}>{DELIVERY_LABEL[node.status]}</Badge>
          </td>
          <td className="table__number">{node.attempts}</td>
          <td className="table__number">{node.lastStatusCode ?? <span className="muted">—</span>}</td>
          <td className="webhook-table__error">
            {node.lastError ? <span title={node.lastError}>{node.lastError}</span> : <span className="muted">—</span>}
          </td>
          <td>
            {node.status === 'DELIVERED' ? (
              <RelativeTime value={node.deliveredAt} />
            ) : node.nextAttemptAt && node.status !== 'FAILED' ? (
              <span>
                next try <RelativeTime value={node.nextAttemptAt} />
              </span>
            ) : (
              <RelativeTime value={node.createdAt} />
            )}
          </td>
        </tr>
      ))}
    </tbody>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const paging = useConnectionPages(webhook.id);
  const [refresh, setRefresh] = useState(0);
  return (
    <Card aria-labelledby="deliveries-title">
      <CardHeader
        id="deliveries-title"
        icon={<ActivityIcon size={18} />}
        title="Deliveries"
        description={`To ${webhook.url}, newest first. Failed deliveries are retried with backoff.`}
        actions={
          <Button size="sm" variant="ghost" icon={<RefreshIcon size={15} />} onClick={() => setRefresh((n) => n + 1)}>
            Refresh
          </Button>
        }
      />
      <CardBody>
        <PagedTable
          paging={paging}
          className="webhook-table"
          caption={`Deliveries of the webhook to ${webhook.url}`}
          head={
            <>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col" className="table__number">
                Attempts
              </th>
              <th scope="col" className="table__number">
                Last status code
              </th>
              <th scope="col">Last error</th>
              <th scope="col">When</th>
            </>
          }
          renderPage={(page) => <DeliveryRows page={page} webhookId={webhook.id} refresh={refresh} />}
          noun={{ one: 'delivery', many: 'deliveries' }}
          errorTitle="Deliveries could not be loaded"
          forbiddenTitle="You cannot view webhook deliveries"
          empty={<NoRows title="No deliveries yet">A delivery is made for each alert event this webhook subscribes to.</NoRows>}
        />
      </CardBody>
    </Card>
  );
}

/** Admin › Webhooks (webhooks:manage): signed alert notifications to your own endpoints. */
export function WebhooksPanel() {
  const paging = useConnectionPages('webhooks');
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [selected, setSelected] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [deleteError, setDeleteError] = useState<AppError | null>(null);
  const [{ fetching: removing }, remove] = useMutation(DeleteWebhookMutation);

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteError(null);
    const result = await remove({ id: deleting.id }, WEBHOOKS_CONTEXT);
    if (result.error) {
      setDeleteError(toAppError(result.error));
      return;
    }
    if (selected?.id === deleting.id) setSelected(null);
    setDeleting(null);
  };

  return (
    <div className="stack">
      <Card aria-labelledby="webhooks-title">
        <CardHeader
          id="webhooks-title"
          icon={<MailIcon size={18} />}
          title="Webhooks"
          description="Alert events sent to your endpoints, signed with a secret only you and the server know."
        />
        <CardBody className="stack">
          {created ? <WebhookSecret url={created.url} secret={created.secret} onDismiss={() => setCreated(null)} /> : null}
          <CreateWebhookForm onCreated={setCreated} />
          <PagedTable
            paging={paging}
            className="webhook-table"
            caption="Webhooks of your organization, newest first"
            head={
              <>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </>
            }
            renderPage={(page) => (
              <WebhookRows
                page={page}
                selected={selected?.id ?? null}
                onSelect={setSelected}
                onDelete={(webhook) => {
                  setDeleteError(null);
                  setDeleting(webhook);
                }}
              />
            )}
            noun={{ one: 'webhook', many: 'webhooks' }}
            errorTitle="Webhooks could not be loaded"
            forbiddenTitle="You cannot manage webhooks"
            empty={
              <EmptyState
                icon={<MailIcon size={24} />}
                title="No webhooks yet"
                description="Create one to be told when an alert opens, is acknowledged or is resolved."
              />
            }
          />
        </CardBody>
      </Card>
      {selected ? <Deliveries key={selected.id} webhook={selected} /> : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          loading={removing}
          onCancel={() => setDeleting(null)}
          onConfirm={() => void confirmDelete()}
          error={
            deleteError ? (
              <Alert role="alert" tone="danger">
                <ErrorMessage error={deleteError} />
              </Alert>
            ) : null
          }
        >
          <p>
            <code>{deleting.url}</code> will no longer receive alert events. Its delivery history is deleted with it.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
