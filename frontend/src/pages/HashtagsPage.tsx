// Hashtag research: pick a Facebook Login account, see what is left of Instagram's 30 hashtag searches
// per 7 days (Instagram's own list included), search a hashtag, browse its top or last-24-hours posts, save
// hashtag groups, and see how the hashtags of our own posts performed.
import { type FormEvent, useState } from "react";
import { type Account, type HashtagEdge, fieldsOf, useActiveAccounts, useHashtagQuota, useHashtagSearch } from "../api.ts";
import { Icon } from "../components/icons.tsx";
import { AccountSelect } from "../components/AccountSelect.tsx";
import { EmptyState, ErrorBox, Field, PageHeader, formatDateTime } from "../components/ui.tsx";
import { GroupsPanel } from "./hashtags/GroupsPanel.tsx";
import { MediaGrid } from "./hashtags/MediaGrid.tsx";
import { PerformancePanel } from "./hashtags/PerformancePanel.tsx";

const facebookLogin = (account: Account) => account.login_flavour !== "instagram";

function Allowance({ accountId }: { accountId: number }) {
  const { data, error } = useHashtagQuota(accountId);
  if (error) return <ErrorBox error={error} />;
  if (!data) return null;
  return (
    <p role="status" aria-label="Hashtag searches left">
      <strong>{data.remaining} of {data.limit}</strong> hashtag searches left this week.{" "}
      {data.next_frees_at && <span className="muted">The next one frees up {formatDateTime(data.next_frees_at)}.</span>}{" "}
      <span className="muted">Searching a hashtag again within 7 days is free.</span>
      {data.elsewhere.length > 0 && (
        <span className="muted" style={{ display: "block" }}>
          Instagram also counts {data.elsewhere.length} searched outside Clipper: {data.elsewhere.map((tag) => `#${tag}`).join(" ")}.
        </span>
      )}
      {data.instagram_note && <span className="muted small" style={{ display: "block" }}>{data.instagram_note}</span>}
    </p>
  );
}

export default function HashtagsPage() {
  const { data: all, isLoading } = useActiveAccounts();
  const accounts = all.filter(facebookLogin);
  const [chosen, setChosen] = useState<number | null>(null);
  const accountId = chosen ?? accounts[0]?.id;
  const [text, setText] = useState("");
  const [found, setFound] = useState<string | null>(null);
  const [edge, setEdge] = useState<HashtagEdge>("top");
  const [draft, setDraft] = useState<string[]>([]);
  const search = useHashtagSearch();

  const header = <PageHeader title="Hashtags" subtitle="See what works under a hashtag, how your own hashtags did, and keep groups of hashtags for your captions." />;
  if (!isLoading && !accounts.length) {
    return (
      <div className="page">
        {header}
        <div className="card"><EmptyState title="No account can search hashtags">
          Instagram offers hashtag search only to accounts connected through a Facebook Page (Facebook Login).
          {all.length > 0 && " Your accounts are connected with Instagram Login: connect one with Accounts → Connect Instagram."}
        </EmptyState></div>
        <PerformancePanel accounts={all} />
        <GroupsPanel draft={draft} setDraft={setDraft} />
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!accountId) return;
    search.mutate({ account_id: accountId, hashtag: text }, { onSuccess: (result) => setFound(result.hashtag) });
  };
  return (
    <div className="page">
      {header}
      <section className="card stack" aria-labelledby="search-title">
        <h2 id="search-title">Search a hashtag</h2>
        <div className="grid grid-2">
          <AccountSelect accounts={accounts} value={accountId} onChange={(id) => { setChosen(id); setFound(null); }} />
        </div>
        {accountId && <Allowance accountId={accountId} />}
        {all.length > accounts.length && <p className="muted small">Accounts connected with Instagram Login are not listed: Instagram offers hashtag search only with Facebook Login.</p>}
        <form className="row" onSubmit={submit} aria-label="Hashtag search">
          <div style={{ flex: 1 }}>
            <Field label="Hashtag" error={fieldsOf(search.error).hashtag}>
              {(p) => <input {...p} value={text} placeholder="travel" maxLength={101} onChange={(e) => setText(e.target.value)} />}
            </Field>
          </div>
          <button type="submit" className="btn btn-primary" style={{ alignSelf: "flex-end" }} disabled={search.isPending || !text.trim()}>
            <Icon name="hash" /> Search
          </button>
        </form>
        <ErrorBox error={fieldsOf(search.error).hashtag ? null : search.error} />
      </section>
      {found && accountId && (
        <section className="card stack" aria-labelledby="results-title">
          <div className="row-between">
            <h2 id="results-title">#{found}</h2>
            <div className="row">
              <div className="segmented" role="radiogroup" aria-label="Which posts">
                <label><input type="radio" name="edge" checked={edge === "top"} onChange={() => setEdge("top")} /> Top</label>
                <label><input type="radio" name="edge" checked={edge === "recent"} onChange={() => setEdge("recent")} /> Last 24 hours</label>
              </div>
              <button type="button" className="btn btn-secondary" disabled={draft.includes(found)} onClick={() => setDraft([...draft, found])}>
                <Icon name="plus" /> Add to new group
              </button>
            </div>
          </div>
          <MediaGrid accountId={accountId} hashtag={found} edge={edge} />
        </section>
      )}
      <PerformancePanel accounts={all} />
      <GroupsPanel draft={draft} setDraft={setDraft} />
    </div>
  );
}
