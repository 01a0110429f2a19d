import { useWebhookDeliveries, type WebhookDelivery } from "../../api.ts";
import { Badge, ErrorBox, formatDateTime, Spinner, type Tone } from "../../components/ui.tsx";

const TONE: Record<WebhookDelivery["status"], Tone> = { pending: "info", sending: "warning", delivered: "success", failed: "danger" };

function Outcome({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.status === "pending" && delivery.attempts > 0) {
    return <span className="muted">{delivery.last_error} Next try {formatDateTime(delivery.next_attempt_at)}.</span>;
  }
  return <span className="muted">{delivery.last_error || ""}</span>;
}

// The endpoint's latest deliveries, newest first (polled while one is on its way).
export function DeliveryLog({ endpointId, name }: { endpointId: number; name: string }) {
  const { data: deliveries, isLoading, error } = useWebhookDeliveries(endpointId);
  if (isLoading) return <Spinner label="Loading deliveries" />;
  return (
    <section className="stack" aria-label={`Deliveries to ${name}`}>
      <h3>Delivery log</h3>
      <ErrorBox error={error} />
      {!deliveries?.length ? (
        <p className="muted">No deliveries yet: send a test.</p>
      ) : (
        <table>
          <thead>
            <tr><th>Event</th><th>Status</th><th>HTTP</th><th>Attempts</th><th>Duration</th><th>Created</th><th>Detail</th></tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <td><code>{delivery.event_type}</code></td>
                <td><Badge tone={TONE[delivery.status]}>{delivery.status}</Badge></td>
                <td>{delivery.last_status_code ?? "—"}</td>
                <td>{delivery.attempts}</td>
                <td>{delivery.last_duration_ms === null ? "—" : `${delivery.last_duration_ms} ms`}</td>
                <td>{formatDateTime(delivery.created_at)}</td>
                <td><Outcome delivery={delivery} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
