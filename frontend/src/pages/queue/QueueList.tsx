import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { type QueueView, useQueueMutations } from "../../api/queue.ts";
import { Icon } from "../../components/icons.tsx";
import { Badge, EmptyState, ErrorBox } from "../../components/ui.tsx";
import { moved, slotTime } from "./order.ts";

// The queued posts in order with their slot times: Up/Down buttons (keyboard) or drag to reorder.
export function QueueList({ queue }: { queue: QueueView }) {
  const { reorder } = useQueueMutations(queue.account_id);
  const [dragged, setDragged] = useState<number | null>(null);
  // The post moved from the keyboard keeps the focus at its new place (its button may now be disabled).
  const [focus, setFocus] = useState<{ id: number; dir: "up" | "down" } | null>(null);
  const ids = queue.posts.map((post) => post.id);
  const move = (from: number, to: number) => {
    const next = moved(ids, from, to);
    if (next.some((id, index) => id !== ids[index])) reorder.mutate(next);
  };
  const step = (index: number, dir: "up" | "down") => {
    setFocus({ id: ids[index], dir });
    move(index, dir === "up" ? index - 1 : index + 1);
  };
  useEffect(() => {
    if (!focus || reorder.isPending) return;
    const button = (dir: string) => document.getElementById(`queue-${dir}-${focus.id}`) as HTMLButtonElement | null;
    const same = button(focus.dir);
    (same && !same.disabled ? same : button(focus.dir === "up" ? "down" : "up"))?.focus();
  }, [focus, queue.posts, reorder.isPending]);

  if (!queue.posts.length) {
    return <EmptyState icon={<Icon name="list" />} title="The queue is empty">Use “Add to queue” in the composer.</EmptyState>;
  }
  return (
    <div className="stack">
      <ErrorBox error={reorder.error} />
      <ol className="stack queue-list" aria-label="Queued posts">
        {queue.posts.map((post, index) => {
          const label = post.caption || post.title || `Post ${post.id}`;
          return (
            <li key={post.id} className="card row-between queue-item" draggable
              onDragStart={() => setDragged(index)} onDragOver={(e) => e.preventDefault()}
              onDrop={() => { if (dragged !== null) move(dragged, index); setDragged(null); }}>
              <span className="row">
                <Icon name="grip" />
                <strong>{slotTime(post.scheduled_for, queue.timezone)}</strong>
                <Link to={`/posts/${post.id}`}>{label}</Link>
                {post.held && <Badge tone="warning">Held</Badge>}
              </span>
              <span className="row">
                <button type="button" id={`queue-up-${post.id}`} className="btn btn-ghost btn-sm" disabled={index === 0 || reorder.isPending}
                  onClick={() => step(index, "up")} aria-label={`Move “${label}” up`}>
                  <Icon name="arrowUp" />
                </button>
                <button type="button" id={`queue-down-${post.id}`} className="btn btn-ghost btn-sm" disabled={index === ids.length - 1 || reorder.isPending}
                  onClick={() => step(index, "down")} aria-label={`Move “${label}” down`}>
                  <Icon name="arrowDown" />
                </button>
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
