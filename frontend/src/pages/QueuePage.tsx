import { useSearchParams } from "react-router-dom";
import { useActiveAccounts } from "../api.ts";
import { useQueue, useQueueMutations } from "../api/queue.ts";
import { Icon } from "../components/icons.tsx";
import { AccountSelect } from "../components/AccountSelect.tsx";
import { EmptyState, ErrorBox, PageHeader, Spinner } from "../components/ui.tsx";
import { QueueList } from "./queue/QueueList.tsx";
import { SlotsEditor } from "./queue/SlotsEditor.tsx";
import { slotTime } from "./queue/order.ts";

// An account's posting queue: its weekly slots, the queued posts in order, pause and resume.
export default function QueuePage() {
  const { data: accounts, isLoading: loadingAccounts } = useActiveAccounts();
  const [params, setParams] = useSearchParams();
  const accountId = Number(params.get("account")) || accounts[0]?.id;
  const { data: queue, error, isLoading } = useQueue(accountId);
  const { pause, resume } = useQueueMutations(accountId);

  if (!loadingAccounts && !accounts.length) {
    return <div className="page"><PageHeader title="Queue" /><div className="card"><EmptyState title="No account connected">Connect an Instagram account to queue its posts.</EmptyState></div></div>;
  }
  const toggle = queue?.paused ? resume : pause;
  return (
    <div className="page">
      <PageHeader
        title="Queue"
        subtitle="Posts added to the queue take the account's next free time slot."
        actions={
          <div className="row">
            <AccountSelect accounts={accounts} value={accountId} onChange={(id) => id !== null && setParams({ account: String(id) })} />
            {queue && (
              <button type="button" className="btn btn-secondary" style={{ alignSelf: "flex-end" }}
                onClick={() => toggle.mutate()} disabled={toggle.isPending}>
                <Icon name={queue.paused ? "play" : "pause"} /> {queue.paused ? "Resume queue" : "Pause queue"}
              </button>
            )}
          </div>
        }
      />
      <ErrorBox error={error || pause.error || resume.error} />
      {isLoading && <Spinner label="Loading the queue" />}
      {queue && (
        <div className="split">
          <section className="stack" aria-labelledby="queued-title">
            <h2 id="queued-title">Queued posts</h2>
            {queue.paused && (
              <p className="card" role="status">The queue is paused: its posts are held until you resume it.</p>
            )}
            <QueueList queue={queue} />
            {queue.next_slots.length > 0 && (
              <p className="muted">Next free slot: {slotTime(queue.next_slots[0], queue.timezone)} ({queue.timezone})</p>
            )}
          </section>
          <SlotsEditor queue={queue} />
        </div>
      )}
    </div>
  );
}
