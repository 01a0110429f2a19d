import { type FormEvent, useState } from "react";
import { fieldsOf, WEBHOOK_EVENTS, type WebhookEndpoint, type WebhookEventType } from "../../api.ts";
import { ErrorBox, Field } from "../../components/ui.tsx";

export type EndpointDraft = { url: string; description: string; events: WebhookEventType[] };

type Props = {
  initial?: WebhookEndpoint;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (draft: EndpointDraft) => void;
  onCancel: () => void;
};

const isEvent = (value: string): value is WebhookEventType => WEBHOOK_EVENTS.some((event) => event.type === value);

// The URL, a note, and the events an endpoint subscribes to (create and edit alike).
export function EndpointForm({ initial, submitLabel, busy, error, onSubmit, onCancel }: Props) {
  const [url, setUrl] = useState(initial?.url || "https://");
  const [description, setDescription] = useState(initial?.description || "");
  const [events, setEvents] = useState<WebhookEventType[]>(initial ? initial.events.filter(isEvent) : ["post.published", "post.failed"]);
  const problems = fieldsOf(error);
  const toggle = (type: WebhookEventType, on: boolean) =>
    setEvents((current) => (on ? [...current, type] : current.filter((item) => item !== type)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ url: url.trim(), description: description.trim(), events });
  };
  return (
    <form className="stack" onSubmit={submit} aria-label={submitLabel}>
      <Field label="Endpoint URL" error={problems.url}
        hint="Public https URL; private and loopback addresses are refused.">
        {(props) => <input {...props} type="url" required maxLength={2048} value={url} onChange={(e) => setUrl(e.target.value)} />}
      </Field>
      <Field label="Description" error={problems.description}>
        {(props) => <input {...props} maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <fieldset className="stack">
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event.type} className="row">
            <input type="checkbox" checked={events.includes(event.type)} onChange={(e) => toggle(event.type, e.target.checked)} />
            {event.label} <code className="muted">{event.type}</code>
          </label>
        ))}
      </fieldset>
      <ErrorBox error={error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy || !events.length}>{busy ? "Saving…" : submitLabel}</button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
