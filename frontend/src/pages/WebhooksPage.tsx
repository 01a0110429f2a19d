import { useState } from "react";
import { useWebhookEndpoints, useWebhookMutations, type WebhookEndpoint, type WebhookEndpointWithSecret } from "../api.ts";
import { Badge, ConfirmDialog, EmptyState, ErrorBox, Modal, PageHeader, Spinner } from "../components/ui.tsx";
import { DeliveryLog } from "./webhooks/DeliveryLog.tsx";
import { type EndpointDraft, EndpointForm } from "./webhooks/EndpointForm.tsx";

const MAX_ENDPOINTS = 10;

// The signing secret, shown once: after creation and after a rotation.
function SecretDialog({ shown, onClose }: { shown: WebhookEndpointWithSecret; onClose: () => void }) {
  return (
    <Modal title="Signing secret" onClose={onClose}
      footer={<button type="button" className="btn btn-primary" onClick={onClose}>I saved it</button>}>
      <p>Copy the secret of <strong>{shown.url}</strong> now: it is not shown again.</p>
      <p><code aria-label="Signing secret" style={{ wordBreak: "break-all" }}>{shown.secret}</code></p>
      <p className="muted">Each delivery carries <code>Clipper-Signature: t=…,v1=…</code>, the HMAC-SHA256 of
        <code> {"{t}.{body}"}</code> under this secret.</p>
    </Modal>
  );
}

function EndpointCard({ endpoint, onSecret }: { endpoint: WebhookEndpoint; onSecret: (shown: WebhookEndpointWithSecret) => void }) {
  const { update, remove, rotate, test } = useWebhookMutations();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const name = endpoint.description || endpoint.url;
  const save = (draft: EndpointDraft) => update.mutate({ id: endpoint.id, ...draft }, { onSuccess: () => setEditing(false) });
  return (
    <article className="card stack" aria-label={`Endpoint ${name}`}>
      <div className="row-between">
        <div>
          <h2 style={{ wordBreak: "break-all" }}>{endpoint.url}</h2>
          {endpoint.description && <p className="muted">{endpoint.description}</p>}
        </div>
        <Badge tone={endpoint.enabled ? "success" : "neutral"}>{endpoint.enabled ? "Enabled" : "Disabled"}</Badge>
      </div>
      <div className="row">{endpoint.events.map((type) => <code key={type}>{type}</code>)}</div>
      <div className="row">
        <button type="button" className="btn btn-secondary btn-sm" disabled={!endpoint.enabled || test.isPending} onClick={() => test.mutate(endpoint.id)}>Send test</button>
        <button type="button" className="btn btn-secondary btn-sm" disabled={rotate.isPending} onClick={() => rotate.mutate(endpoint.id, { onSuccess: onSecret })}>Rotate secret</button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => update.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}>{endpoint.enabled ? "Disable" : "Enable"}</button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(true)}>Edit</button>
        <button type="button" className="btn btn-danger-outline btn-sm" onClick={() => setDeleting(true)}>Delete</button>
      </div>
      <ErrorBox error={test.error || rotate.error || (!editing && update.error)} />
      <DeliveryLog endpointId={endpoint.id} name={name} />
      {editing && (
        <Modal title="Edit endpoint" onClose={() => setEditing(false)}>
          <EndpointForm initial={endpoint} submitLabel="Save endpoint" busy={update.isPending} error={update.error}
            onSubmit={save} onCancel={() => setEditing(false)} />
        </Modal>
      )}
      {deleting && (
        <ConfirmDialog title="Delete endpoint" confirmLabel="Delete endpoint" busy={remove.isPending} error={remove.error}
          onCancel={() => setDeleting(false)} onConfirm={() => remove.mutate(endpoint.id)}>
          <p>Stop sending events to {endpoint.url} and forget its delivery log?</p>
        </ConfirmDialog>
      )}
    </article>
  );
}

export default function WebhooksPage() {
  const { data: endpoints, isLoading, error } = useWebhookEndpoints();
  const { create } = useWebhookMutations();
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<WebhookEndpointWithSecret | null>(null);
  const full = (endpoints?.length || 0) >= MAX_ENDPOINTS;
  const add = (draft: EndpointDraft) =>
    create.mutate({ ...draft, enabled: true }, { onSuccess: (created) => { setAdding(false); setSecret(created); } });
  return (
    <div className="page stack">
      <PageHeader title="Webhooks" subtitle="Send your own endpoints signed events when posts publish or fail, comments and messages arrive, accounts change."
        actions={<button type="button" className="btn btn-primary" disabled={full} onClick={() => { create.reset(); setAdding(true); }}>Add endpoint</button>} />
      <ErrorBox error={error} />
      {isLoading ? <Spinner label="Loading endpoints" /> : !endpoints?.length ? (
        <EmptyState title="No webhook endpoints">Add one to receive events as signed JSON POSTs.</EmptyState>
      ) : endpoints.map((endpoint) => <EndpointCard key={endpoint.id} endpoint={endpoint} onSecret={setSecret} />)}
      {adding && (
        <Modal title="Add endpoint" onClose={() => setAdding(false)}>
          <EndpointForm submitLabel="Create endpoint" busy={create.isPending} error={create.error}
            onSubmit={add} onCancel={() => setAdding(false)} />
        </Modal>
      )}
      {secret && <SecretDialog shown={secret} onClose={() => setSecret(null)} />}
    </div>
  );
}
