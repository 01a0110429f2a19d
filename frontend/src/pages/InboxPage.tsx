import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import {
  type Account,
  type BulkAction,
  type BulkItem,
  type Comment,
  type Conversation,
  type Participant,
  type RuleAction,
  type RuleKind,
  fieldsOf,
  metaText,
  useActiveAccounts,
  useInboxSync, useCommentMutations, useComments, useConversations, useMessages, useModerationMutations, useModerationRules, useSendMessage } from "../api.ts";
import { Icon } from "../components/icons.tsx";
import { AccountSelect } from "../components/AccountSelect.tsx";
import { Avatar, Badge, ConfirmDialog, EmptyState, ErrorBox, Field, PageHeader, Spinner, formatDateTime } from "../components/ui.tsx";

function useNow(intervalMs = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

// Messaging webhooks carry only the sender's id: until a sync fills in the username, show the id's end.
const personName = (p: Participant | undefined): string => (p?.username ? `@${p.username}` : p?.id ? `Instagram user …${p.id.slice(-4)}` : "Conversation");

function ReplyForm({ comment, onDone }: { comment: Comment; onDone: () => void }) {
  const { reply } = useCommentMutations();
  const [text, setText] = useState(`@${comment.author_username || ""} `);
  return (
    <form className="row" style={{ marginTop: 8, flexWrap: "nowrap", alignItems: "flex-start" }}
      onSubmit={(e) => { e.preventDefault(); reply.mutate({ id: comment.id, message: text }, { onSuccess: onDone }); }}>
      <div style={{ flex: 1 }}>
        <Field label={`Reply to @${comment.author_username}`} error={reply.error?.message}>
          {(props) => <input {...props} autoFocus value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
      </div>
      <button type="submit" className="btn btn-primary btn-sm" style={{ marginTop: 28 }} disabled={reply.isPending || !text.trim()}>Send reply</button>
      <button type="button" className="btn btn-ghost btn-sm" style={{ marginTop: 28 }} onClick={onDone}>Cancel</button>
    </form>
  );
}

const snippet = (text: string | null | undefined, max = 80) => (text && text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

// The media a comment is on: a thumbnail and the start of its caption, linking to it on Instagram.
function CommentMedia({ comment }: { comment: Comment }) {
  if (!comment.media_permalink) return <span>media {comment.media_id}</span>;
  const caption = snippet(comment.media_caption) || (comment.media_product_type === "REELS" ? "Reel" : "Post");
  return (
    <a className="comment-media" href={comment.media_permalink} target="_blank" rel="noreferrer" aria-label={`On: ${caption}`}>
      {comment.media_thumbnail_url && <img src={comment.media_thumbnail_url} alt="" width={32} height={32} loading="lazy" />}
      <span>{caption}</span>
    </a>
  );
}

type CommentRowProps = { comment: Comment; account: Account | undefined; checked: boolean; onCheck: (on: boolean) => void };

function CommentRow({ comment, account, checked, onCheck }: CommentRowProps) {
  const { hide, remove } = useCommentMutations();
  const [replying, setReplying] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const who = comment.author_username || comment.author_id || "someone";
  return (
    <li className="comment-row" aria-label={`Comment by @${who}`}>
      <input type="checkbox" checked={checked} onChange={(e) => onCheck(e.target.checked)} aria-label={`Select comment by @${who}`} style={{ marginTop: 12 }} />
      <Avatar name={who} size={40} />
      <div>
        <div className="row" style={{ gap: 8 }}>
          <strong>@{who}</strong>
          {comment.hidden && <Badge tone="warning">Hidden</Badge>}
          {comment.answered ? <Badge tone="success">Answered</Badge> : <Badge tone="info">Unanswered</Badge>}
        </div>
        <p style={{ margin: "4px 0" }}>{comment.text}</p>
        <div className="comment-meta">{formatDateTime(comment.commented_at)}{account ? ` · on @${account.username}` : ""}</div>
        <CommentMedia comment={comment} />
        {replying ? (
          <ReplyForm comment={comment} onDone={() => setReplying(false)} />
        ) : (
          <div className="row" style={{ marginTop: 8 }}>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setReplying(true)}>Reply</button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => hide.mutate({ id: comment.id, hide: !comment.hidden })}>
              <Icon name={comment.hidden ? "eye" : "eyeOff"} size={15} /> {comment.hidden ? "Unhide" : "Hide"}
            </button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setConfirming(true)}>
              <Icon name="trash" size={15} /> Delete
            </button>
          </div>
        )}
        <ErrorBox error={hide.error} />
      </div>
      {confirming && (
        <ConfirmDialog title="Delete this comment on Instagram?" confirmLabel="Delete comment" busy={remove.isPending} error={remove.error}
          onCancel={() => { remove.reset(); setConfirming(false); }} onConfirm={() => remove.mutate({ id: comment.id }, { onSuccess: () => setConfirming(false) })}>
          <p style={{ margin: 0 }}>The comment by @{who} is removed from Instagram for everyone. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

function CommentsTab({ accounts }: { accounts: Account[] }) {
  const [status, setStatus] = useState("");
  const [accountId, setAccountId] = useState<number | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const { data: comments, isLoading, error } = useComments({ status, account_id: accountId });
  const { bulk } = useCommentMutations();
  const byId: Record<number, Account> = Object.fromEntries(accounts.map((a) => [a.id, a]));
  const visible = (comments || []).filter((c) => !c.deleted && !c.from_account);
  // The answer says, per comment, whether Meta accepted the change: the refused ones stay selected
  // and are listed with Meta's reason.
  const [failures, setFailures] = useState<BulkItem[]>([]);
  const act = (action: BulkAction, then?: () => void) => {
    setFailures([]);
    bulk.mutate({ ids: selected, action }, {
      onSuccess: (data) => {
        const failed = (data?.results || []).filter((result) => !result.ok);
        setSelected(failed.map((result) => result.id));
        setFailures(failed);
        then?.();
      },
    });
  };
  const openDeleteConfirmation = () => { bulk.reset(); setConfirmingDelete(true); };
  const authorOf = (id: number) => {
    const comment = (comments || []).find((c) => c.id === id);
    return comment ? `@${comment.author_username || comment.author_id || "someone"}` : `Comment ${id}`;
  };
  return (
    <section className="card stack" aria-label="Comments">
      <div className="row" style={{ alignItems: "flex-end" }}>
        <div style={{ width: 200 }}>
          <Field label="Show">
            {(props) => (
              <select {...props} value={status} onChange={(e) => setStatus(e.target.value)}>
                <option value="">All comments</option>
                <option value="unanswered">Unanswered</option>
                <option value="answered">Answered</option>
                <option value="hidden">Hidden</option>
              </select>
            )}
          </Field>
        </div>
        <div style={{ width: 220 }}><AccountSelect allLabel="All accounts" accounts={accounts} value={accountId} onChange={setAccountId} /></div>
        <div className="row" style={{ marginLeft: "auto" }} aria-label="Bulk actions">
          <label className="check">
            <input type="checkbox" checked={visible.length > 0 && selected.length === visible.length}
              onChange={(e) => setSelected(e.target.checked ? visible.map((c) => c.id) : [])} /> Select all
          </label>
          <button type="button" className="btn btn-secondary btn-sm" disabled={!selected.length} onClick={() => act("mark_answered")}>Mark answered</button>
          <button type="button" className="btn btn-secondary btn-sm" disabled={!selected.length} onClick={() => act("hide")}>Hide selected</button>
          <button type="button" className="btn btn-danger-outline btn-sm" disabled={!selected.length} onClick={openDeleteConfirmation}>Delete selected</button>
        </div>
      </div>
      <ErrorBox error={error || (!confirmingDelete && bulk.error)} />
      {failures.length > 0 && (
        <div className="alert alert-danger" role="alert">
          <strong>{failures.length} {failures.length === 1 ? "comment was" : "comments were"} not changed on Instagram (still selected):</strong>
          <ul style={{ margin: "4px 0 0" }}>
            {failures.map((failure) => <li key={failure.id}>{authorOf(failure.id)}: {failure.error || "refused"}</li>)}
          </ul>
        </div>
      )}
      {confirmingDelete && (
        <ConfirmDialog title={`Delete ${selected.length} ${selected.length === 1 ? "comment" : "comments"} on Instagram?`}
          confirmLabel="Delete comments" busy={bulk.isPending} error={bulk.error}
          onCancel={() => setConfirmingDelete(false)} onConfirm={() => act("delete", () => setConfirmingDelete(false))}>
          <p style={{ margin: 0 }}>They are removed from Instagram for everyone. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {isLoading ? <Spinner label="Loading comments" /> : visible.length ? (
        <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {visible.map((comment) => (
            <CommentRow key={comment.id} comment={comment} account={byId[comment.account_id]} checked={selected.includes(comment.id)}
              onCheck={(on) => setSelected(on ? [...selected, comment.id] : selected.filter((id) => id !== comment.id))} />
          ))}
        </ul>
      ) : (
        <EmptyState icon={<Icon name="inbox" size={32} />} title="No comments here">New comments on your posts appear here as they arrive.</EmptyState>
      )}
    </section>
  );
}

function windowLeft(until: string | null | undefined, now: number) {
  if (!until) return null;
  const ms = new Date(until).getTime() - now;
  if (ms <= 0) return "The 24-hour reply window has closed: you can reply when they write again.";
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return `Reply window: ${h} h ${String(m).padStart(2, "0")} min left`;
}

function Thread({ conversation, account }: { conversation: Conversation; account: Account | undefined }) {
  const now = useNow(30_000);
  const { data: messages, isLoading } = useMessages(conversation.id);
  const send = useSendMessage(conversation.id);
  const [text, setText] = useState("");
  const other = conversation.participants?.find((p) => p.id !== metaText(account, "id")) || conversation.participants?.[0];
  const left = windowLeft(conversation.can_reply_until, now);
  const closed = !!conversation.can_reply_until && new Date(conversation.can_reply_until).getTime() <= now;
  return (
    <div className="thread">
      <div className="row-between" style={{ padding: "12px 16px", borderBottom: "1px solid var(--border)" }}>
        <strong>{personName(other)}</strong>
        {left && <span className={closed ? "badge badge-danger" : "badge badge-info"} aria-live="polite"><Icon name="clock" size={13} /> {left}</span>}
      </div>
      <div className="thread-msgs" aria-label="Messages" role="log">
        {isLoading ? <Spinner label="Loading messages" /> : [...(messages || [])].sort((a, b) => new Date(a.sent_at).getTime() - new Date(b.sent_at).getTime()).map((m) => (
          <div key={m.id} className={m.from_account ? "bubble mine" : "bubble"} title={formatDateTime(m.sent_at)}>{m.text || "(attachment)"}</div>
        ))}
      </div>
      <form className="thread-compose" onSubmit={(e) => { e.preventDefault(); send.mutate(text, { onSuccess: () => setText("") }); }}>
        <div style={{ flex: 1 }}>
          <Field label="Message" error={send.error?.message}>
            {(props) => <input {...props} value={text} disabled={closed} onChange={(e) => setText(e.target.value)} placeholder={`Message ${personName(other)}`} />}
          </Field>
        </div>
        <button type="submit" className="btn btn-primary" disabled={!text.trim() || send.isPending || closed}><Icon name="send" size={16} /> Send</button>
      </form>
    </div>
  );
}

function MessagesTab({ accounts }: { accounts: Account[] }) {
  const { data: conversations, isLoading, error } = useConversations();
  const [current, setCurrent] = useState<number | null>(null);
  const byId: Record<number, Account> = Object.fromEntries(accounts.map((a) => [a.id, a]));
  const active = conversations?.find((c) => c.id === current) || conversations?.[0];
  return (
    <>
      <ErrorBox error={error} />
      <section className="card inbox-layout" aria-label="Direct messages">
        <div className="conv-list">
          {isLoading && <div style={{ padding: 16 }}><Spinner label="Loading conversations" /></div>}
          <ul aria-label="Conversations" style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {(conversations || []).map((c) => {
            const account = byId[c.account_id];
            const other = c.participants?.find((p) => p.id !== metaText(account, "id")) || c.participants?.[0];
            return (
              <li key={c.id}>
              <button type="button" className="conv-item" aria-current={active?.id === c.id ? "true" : undefined}
                onClick={() => setCurrent(c.id)} aria-label={`Conversation with ${personName(other)}: ${c.last_message_text || ""}`}>
                <Avatar name={other?.username || "?"} size={36} />
                <span style={{ minWidth: 0, flex: 1 }}>
                  <span className="row-between"><strong>{personName(other)}</strong>{c.unread_count > 0 && <Badge tone="info">{c.unread_count}</Badge>}</span>
                  <span className="muted small" style={{ display: "block", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>{c.last_message_text}</span>
                  <span className="muted small">{account ? `@${account.username} · ` : ""}{formatDateTime(c.last_message_at)}</span>
                </span>
              </button>
              </li>
            );
          })}
          </ul>
          {!isLoading && !conversations?.length && <p className="muted" style={{ padding: 16 }}>No conversations yet.</p>}
        </div>
        {active ? <Thread key={active.id} conversation={active} account={byId[active.account_id]} /> : <EmptyState title="Pick a conversation" />}
      </section>
    </>
  );
}

function RulesTab({ accounts }: { accounts: Account[] }) {
  const [accountId, setAccountId] = useState<number | null>(accounts[0]?.id ?? null);
  const { data: rules, error } = useModerationRules(accountId);
  const { create, toggle, remove } = useModerationMutations(accountId);
  const [form, setForm] = useState<{ name: string; kind: RuleKind; patterns: string; action: RuleAction }>({
    name: "",
    kind: "keyword",
    patterns: "",
    action: "hide",
  });
  const fields = fieldsOf(create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const patterns = form.patterns.split(",").map((p) => p.trim()).filter(Boolean);
    create.mutate({ ...form, patterns, enabled: true }, { onSuccess: () => setForm({ ...form, name: "", patterns: "" }) });
  };
  return (
    <section className="grid grid-2">
      <div className="card stack">
        <h2>Moderation rules</h2>
        <div style={{ maxWidth: 260 }}>
          <AccountSelect label="Rules of account" accounts={accounts} value={accountId} onChange={(id) => id !== null && setAccountId(id)} />
        </div>
        <ErrorBox error={error || toggle.error || remove.error} />
        {rules?.length ? (
          <table>
            <thead><tr><th>Name</th><th>Matches</th><th>Action</th><th>On</th><th><span className="sr-only">Delete</span></th></tr></thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td className="small">{r.kind}: {r.patterns.join(", ")}</td>
                  <td><Badge tone={r.action === "delete" ? "danger" : "warning"}>{r.action}</Badge></td>
                  <td><input type="checkbox" checked={r.enabled} aria-label={`Rule ${r.name} enabled`} onChange={(e) => toggle.mutate({ id: r.id, enabled: e.target.checked })} /></td>
                  <td><button type="button" className="btn btn-ghost btn-sm" aria-label={`Delete rule ${r.name}`} onClick={() => remove.mutate(r.id)}><Icon name="trash" size={15} /></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p className="muted">No rules yet: new comments stay as they are.</p>}
      </div>
      <form className="card stack" onSubmit={submit} aria-label="New moderation rule">
        <h2>New rule</h2>
        <Field label="Rule name" error={fields.name}>{(p) => <input {...p} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}</Field>
        <Field label="Match" error={fields.kind}>
          {(p) => <select {...p} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as RuleKind })}><option value="keyword">Keywords</option><option value="regex">Regular expressions</option></select>}
        </Field>
        <Field label="Patterns" hint="Separate several with commas." error={fields.patterns}>{(p) => <input {...p} value={form.patterns} onChange={(e) => setForm({ ...form, patterns: e.target.value })} />}</Field>
        <Field label="Then" error={fields.action}>
          {(p) => <select {...p} value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value as RuleAction })}><option value="hide">Hide the comment</option><option value="delete">Delete the comment</option></select>}
        </Field>
        {!Object.keys(fields).length && <ErrorBox error={create.error} />}
        <div><button type="submit" className="btn btn-primary" disabled={!accountId || create.isPending}>Add rule</button></div>
      </form>
    </section>
  );
}

const TABS = [["comments", "Comments"], ["messages", "Messages"], ["rules", "Moderation rules"]] as const;
type TabId = (typeof TABS)[number][0];

export default function InboxPage() {
  const { data: accounts } = useActiveAccounts();
  const [params, setParams] = useSearchParams();
  const tab: TabId = TABS.find(([id]) => id === params.get("tab"))?.[0] ?? "comments";
  const tabRefs = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});
  const setTab = (id: TabId) => setParams((current) => { const next = new URLSearchParams(current); next.set("tab", id); return next; }, { replace: true });
  // Arrow keys move between tabs (and select them), Home/End jump to the ends: the ARIA tabs pattern.
  const onTabKey = (event: KeyboardEvent) => {
    const index = TABS.findIndex(([id]) => id === tab);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const [id] = TABS[(target + TABS.length) % TABS.length];
    setTab(id);
    tabRefs.current[id]?.focus();
  };
  const sync = useInboxSync();
  return (
    <div className="page">
      <PageHeader
        title="Inbox"
        subtitle="Comments and direct messages across your accounts, updated live."
        actions={
          <button type="button" className="btn btn-secondary" disabled={!accounts.length || sync.isPending}
            onClick={() => sync.mutate(accounts.map((a) => a.id))}>
            <Icon name="refresh" size={16} /> {sync.isPending ? "Syncing…" : "Sync from Instagram"}
          </button>
        }
      />
      <ErrorBox error={sync.error} />
      <div className="tabs" role="tablist" aria-label="Inbox sections" onKeyDown={onTabKey}>
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" id={`tab-${id}`} aria-selected={tab === id} aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1} ref={(el) => { tabRefs.current[id] = el; }} className="tab" onClick={() => setTab(id)}>{label}</button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={0}>
        {tab === "comments" && <CommentsTab accounts={accounts} />}
        {tab === "messages" && <MessagesTab accounts={accounts} />}
        {tab === "rules" && (accounts.length ? <RulesTab accounts={accounts} /> : <p className="muted">Connect an account first.</p>)}
      </div>
    </div>
  );
}
