import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { type Post, fieldsOf, useAccounts, usePost, usePostMutations } from "../api.ts";
import { Icon } from "../components/icons.tsx";
import { ErrorBox, Field, PageHeader, Spinner, StatusBadge, formatDateTime, userTimeZone } from "../components/ui.tsx";
import { toLocalInput } from "../components/format.ts";

const EVENT_LABELS: Record<string, string> = {
  created: "Created as a draft",
  scheduled: "Scheduled",
  edited: "Edited",
  publish_requested: "Publish requested",
  publish_started: "Publishing started",
  container_created: "Media container created",
  upload_pending: "Uploading the video",
  uploaded: "Video uploaded",
  processing: "Instagram is processing the media",
  publish_sent: "Sent to Instagram",
  publish_unconfirmed: "Waiting for Instagram to confirm",
  unconfirmed: "Not confirmed by Instagram yet",
  publish_resent: "Sent again on the same container",
  media_published: "Published on Instagram",
  media_recovered: "Recovered the published media",
  recovery_pending: "Published; waiting for Instagram to list it",
  check_requested: "Check requested",
  publish_held: "Held until a look-alike post is confirmed",
  media_fetch_failed: "Instagram could not download the media",
  published: "Published",
  permalink_unavailable: "Permalink not available yet",
  first_comment_sent: "First comment sent",
  first_comment_posted: "First comment posted",
  first_comment_failed: "First comment failed",
  quota_wait: "Waiting for the daily publishing quota",
  container_expired: "Container expired",
  retry_scheduled: "Temporary problem — will retry",
  failed: "Failed",
  removed: "Removed",
};

function tone(event: string) {
  if (event === "failed" || event === "first_comment_failed") return "error";
  if (["retry_scheduled", "media_fetch_failed", "publish_held", "quota_wait", "publish_unconfirmed", "unconfirmed", "container_expired"].includes(event)) return "current";
  return "done";
}

// The keyboard way to move a post (the calendar's drag and drop is the mouse way).
function Reschedule({ post }: { post: Post }) {
  const { update, publish } = usePostMutations();
  const [value, setValue] = useState(() => toLocalInput(post.scheduled_for ? new Date(post.scheduled_for) : new Date(Date.now() + 3600_000)));
  const [local, setLocal] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const when = new Date(value);
    if (!(when > new Date())) return setLocal("Pick a time in the future.");
    setLocal(null);
    return update.mutate({ id: post.id, scheduled_for: when.toISOString() });
  };
  return (
    <form className="card stack" onSubmit={submit} aria-label="Reschedule">
      <h2>{post.status === "draft" ? "Schedule" : "Reschedule"}</h2>
      <Field label="New date and time" hint={`Your time zone: ${userTimeZone()}`} error={local || fieldsOf(update.error).scheduled_for || update.error?.message}>
        {(props) => <input {...props} type="datetime-local" step="1" value={value} onChange={(e) => setValue(e.target.value)} />}
      </Field>
      <div className="row">
        <button type="submit" className="btn btn-primary btn-sm" disabled={update.isPending}>Save time</button>
        <button type="button" className="btn btn-secondary btn-sm" disabled={publish.isPending} onClick={() => publish.mutate(post.id)}>Publish now</button>
      </div>
      <ErrorBox error={publish.error} />
    </form>
  );
}

// A post whose publish Instagram has not confirmed: what is being done, when, and a way to check now.
function Unconfirmed({ post }: { post: Post }) {
  const { check } = usePostMutations();
  return (
    <div className="alert alert-warning stack" role="status" aria-label="Waiting for Instagram" style={{ gap: 8 }}>
      <strong>Waiting for Instagram to confirm this post.</strong>
      {post.next_step && <span>{post.next_step}</span>}
      <span className="small">Next check: {post.next_attempt_at ? new Date(post.next_attempt_at).toLocaleTimeString() : "soon"}</span>
      <div>
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => check.mutate(post.id)} disabled={check.isPending}>
          <Icon name="refresh" size={15} /> Check now
        </button>
      </div>
      <ErrorBox error={check.error} />
    </div>
  );
}

export default function PostDetailPage() {
  const { postId } = useParams();
  const { data: post, isLoading, error } = usePost(postId);
  const { data: accounts } = useAccounts();
  const { publish } = usePostMutations();
  if (isLoading) return <div className="page"><Spinner label="Loading post" /></div>;
  if (error || !post) return <div className="page"><ErrorBox error={error ?? "This post could not be loaded."} /></div>;
  const account = accounts?.find((a) => a.id === post.account_id);
  const inFlight = post.status === "publishing";
  return (
    <div className="page">
      <p style={{ margin: 0 }}><Link to="/calendar">← Calendar</Link></p>
      <PageHeader
        title={post.title || `${post.media_type === "REELS" ? "Reel" : post.media_type.toLowerCase()} post #${post.id}`}
        subtitle={account ? `@${account.username}` : undefined}
        actions={<span aria-live="polite" aria-label={`Status: ${post.status}`}><StatusBadge status={post.status} /></span>}
      />
      <div className="split">
        <div className="stack">
          {post.status === "failed" && (
            <div className="alert alert-danger stack" role="alert" style={{ gap: 8 }}>
              <strong>This post could not be published.</strong>
              <span>{post.error_message || "Instagram refused it."}</span>
              <div>
                <button type="button" className="btn btn-primary btn-sm" onClick={() => publish.mutate(post.id)} disabled={publish.isPending}>
                  <Icon name="refresh" size={15} /> Retry
                </button>
              </div>
            </div>
          )}
          {post.status === "published" && post.platform_url && (
            <div className="alert alert-success row" role="status">
              <Icon name="check" />
              <span>Published {formatDateTime(post.published_at)} —</span>
              <a href={post.platform_url} target="_blank" rel="noreferrer">View on Instagram</a>
            </div>
          )}
          {inFlight && (
            <div className="alert alert-warning row" role="status"><Spinner label="Publishing" /> Publishing to Instagram…</div>
          )}
          {post.status === "unconfirmed" && <Unconfirmed post={post} />}
          <ErrorBox error={publish.error} />
          <section className="card">
            <div className="card-head"><h2>Status timeline</h2></div>
            <ol className="timeline" aria-label="Status timeline">
              {(post.timeline || []).map((entry, index) => (
                <li key={`${entry.at}-${index}`}>
                  <span className={`tl-dot ${tone(entry.event)}`} aria-hidden="true">
                    <Icon name={tone(entry.event) === "error" ? "x" : tone(entry.event) === "current" ? "clock" : "check"} size={14} />
                  </span>
                  <div>
                    <strong>{EVENT_LABELS[entry.event] || entry.event.replaceAll("_", " ")}</strong>
                    <div className="muted small">
                      {formatDateTime(entry.at)}
                      {(entry.count ?? 1) > 1 && entry.last_at && ` · ${entry.count} times, last ${formatDateTime(entry.last_at)}`}
                    </div>
                    {entry.detail && entry.event !== "published" && <div className="small" style={{ wordBreak: "break-word" }}>{entry.detail}</div>}
                  </div>
                </li>
              ))}
            </ol>
          </section>
        </div>
        <aside className="stack">
          {["draft", "scheduled"].includes(post.status) && <Reschedule post={post} />}
          <div className="card stack">
          <h2>Details</h2>
          <dl className="stack small" style={{ margin: 0 }}>
            <div><dt className="muted">Media type</dt><dd style={{ margin: 0 }}>{post.media_type}</dd></div>
            <div><dt className="muted">Scheduled for</dt><dd style={{ margin: 0 }}>{formatDateTime(post.scheduled_for)}</dd></div>
            <div><dt className="muted">Published</dt><dd style={{ margin: 0 }}>{formatDateTime(post.published_at)}</dd></div>
            <div>
              <dt className="muted">Permalink</dt>
              <dd style={{ margin: 0, wordBreak: "break-all" }}>
                {post.platform_url ? <a href={post.platform_url} target="_blank" rel="noreferrer">{post.platform_url}</a> : "—"}
              </dd>
            </div>
            <div><dt className="muted">Attempts</dt><dd style={{ margin: 0 }}>{post.attempts}</dd></div>
            <div><dt className="muted">Caption</dt><dd style={{ margin: 0, whiteSpace: "pre-wrap" }}>{post.caption || "—"}{post.hashtags?.length ? `\n${post.hashtags.map((t) => `#${t}`).join(" ")}` : ""}</dd></div>
          </dl>
          </div>
        </aside>
      </div>
    </div>
  );
}
