// Choose which Instagram professional account to connect when a Facebook Login reached several;
// when it reached none, explain why and link to Meta's help.
import { type FormEvent, useState } from "react";
import { type Account, type AvailableAccounts, useAccountMutations, useAvailableAccounts } from "../../api.ts";
import { Avatar, ErrorBox, Spinner, formatNumber } from "../ui.tsx";

export const HELP = {
  linkPage: "https://www.facebook.com/business/help/898752960195806",
  professional: "https://help.instagram.com/502981923235522",
  createPage: "https://www.facebook.com/pages/create",
};

// Where the Facebook Login found the account: the person's own Page role, or a Business Manager.
type AvailableAccount = AvailableAccounts["items"][number];

const PAGE_KIND: Record<string, string> = { business_owned: "a Page it owns", business_client: "a client's Page" };

function reachedThrough(account: AvailableAccount) {
  const kind = account.source ? PAGE_KIND[account.source] : undefined;
  if (!kind) return "Found through your own role on the Page";
  return `Found through Business Manager ${account.business_name || "(unnamed)"}: ${kind}`;
}

export default function InstagramAccountSelector({
  accounts: given,
  fetchAvailable = false,
  reason,
  detail,
  onConnected,
  onRetry,
  onCancel,
}: {
  accounts?: AvailableAccount[];
  fetchAvailable?: boolean;
  reason?: string | null;
  detail?: string | null;
  onConnected?: (account: Account) => void;
  onRetry?: () => void;
  onCancel?: () => void;
}) {
  const available = useAvailableAccounts(fetchAvailable);
  const { select } = useAccountMutations();
  const accounts = given ?? available.data?.items ?? [];
  const unlinkedPages = available.data?.pages_without_instagram ?? [];
  const selectable = accounts.filter((account) => !account.connected);
  const [chosen, setChosen] = useState<string | null>(null);
  const current = chosen ?? (selectable.length === 1 ? selectable[0].id : null);

  if (fetchAvailable && available.isLoading) return <Spinner label="Loading your Instagram accounts" />;
  if (fetchAvailable && available.error) return <ErrorBox error={available.error} />;
  if (!accounts.length) {
    return <NoAccounts reason={reason} detail={detail || available.data?.hint} unlinkedPages={unlinkedPages} onRetry={onRetry} onCancel={onCancel} />;
  }

  const connect = (event: FormEvent) => {
    event.preventDefault();
    if (!current) return;
    select.mutate(current, { onSuccess: (account) => onConnected?.(account) });
  };

  return (
    <form className="stack" onSubmit={connect}>
      <fieldset style={{ border: 0, padding: 0 }}>
        <legend style={{ padding: 0, marginBottom: 10 }}>
          Your Facebook login can reach {accounts.length} Instagram accounts. Choose one to connect:
        </legend>
        <div className="selector-list">
          {accounts.map((account) => {
            const label = `@${account.username}`;
            return (
              <label key={account.id} className={account.connected ? "selector-option disabled" : "selector-option"}>
                <input
                  type="radio"
                  name="instagram-account"
                  value={account.id}
                  checked={current === account.id}
                  disabled={account.connected}
                  onChange={() => setChosen(account.id)}
                  aria-label={label}
                />
                <Avatar src={account.profile_picture_url} name={account.username} size={44} />
                <span style={{ flex: 1, minWidth: 0 }}>
                  <strong style={{ display: "block" }}>{label}</strong>
                  <span className="muted small">
                    {account.name ? `${account.name} · ` : ""}Page: {account.facebook_page_name || account.facebook_page_id}
                  </span>
                  <span className="muted small" style={{ display: "block" }}>{reachedThrough(account)}</span>
                </span>
                <span style={{ textAlign: "right" }}>
                  <span className="stat-value" style={{ display: "block" }}>{formatNumber(account.followers_count)}</span>
                  <span className="stat-label">{account.connected ? "already connected" : "followers"}</span>
                </span>
              </label>
            );
          })}
        </div>
      </fieldset>
      {available.data?.hint && <div className="alert alert-info">{available.data.hint}</div>}
      <ErrorBox error={select.error} />
      <div className="row" style={{ justifyContent: "flex-end" }}>
        {onCancel && <button type="button" className="btn btn-ghost" onClick={onCancel}>Cancel</button>}
        <button type="submit" className="btn btn-primary" disabled={!current || select.isPending}>
          {select.isPending ? "Connecting…" : "Connect account"}
        </button>
      </div>
    </form>
  );
}

type NoAccountsProps = {
  reason?: string | null;
  detail?: string | null;
  unlinkedPages: AvailableAccounts["pages_without_instagram"];
  onRetry?: () => void;
  onCancel?: () => void;
};

function NoAccounts({ reason, detail, unlinkedPages, onRetry, onCancel }: NoAccountsProps) {
  const noPages = reason === "no_pages";
  return (
    <div className="stack" role="region" aria-labelledby="no-ig-title">
      <h3 id="no-ig-title">No Instagram professional account found</h3>
      <p style={{ margin: 0 }}>
        {noPages
          ? "Your Facebook profile does not manage any Facebook Page."
          : "None of the Facebook Pages you manage is linked to an Instagram Business or Creator account."}{" "}
        Instagram's publishing API only reaches professional accounts through the Facebook Page they are linked to.
      </p>
      {detail && <div className="alert alert-warning">{detail}</div>}
      {!!unlinkedPages?.length && (
        <p className="muted small" style={{ margin: 0 }}>
          Pages without an Instagram account: {unlinkedPages.map((page) => page.name).join(", ")}
        </p>
      )}
      <ol style={{ margin: 0, paddingLeft: 20, lineHeight: 1.8 }}>
        <li>
          Switch your Instagram account to a professional account —{" "}
          <a href={HELP.professional} target="_blank" rel="noreferrer">how to switch to a professional account</a>
        </li>
        {noPages && (
          <li>
            Create a Facebook Page — <a href={HELP.createPage} target="_blank" rel="noreferrer">create a Page</a>
          </li>
        )}
        <li>
          Link it to your Facebook Page —{" "}
          <a href={HELP.linkPage} target="_blank" rel="noreferrer">how to link a Page to Instagram</a>
        </li>
        <li>Come back and click Connect Instagram again.</li>
      </ol>
      <div className="row" style={{ justifyContent: "flex-end" }}>
        {onCancel && <button type="button" className="btn btn-ghost" onClick={onCancel}>Close</button>}
        {onRetry && <button type="button" className="btn btn-primary" onClick={onRetry}>Try again</button>}
      </div>
    </div>
  );
}
