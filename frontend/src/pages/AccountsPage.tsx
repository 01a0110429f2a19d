import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { type Flavour, asFlavour, useAccounts, useLoginFlavours } from "../api.ts";
import AccountCard from "../components/Accounts/AccountCard.tsx";
import OAuthConnectModal, { LOGIN_FLAVOURS, type OAuthResult, openAuthPopup } from "../components/Accounts/OAuthConnectModal.tsx";
import { InstagramIcon } from "../components/icons.tsx";
import { EmptyState, ErrorBox, PageHeader, Spinner } from "../components/ui.tsx";

// The redirect flow (popup blocked) comes back here with the result in the query string.
function resultFromQuery(params: URLSearchParams): OAuthResult | null {
  const status = params.get("oauth");
  if (!status) return null;
  return {
    type: "oauth-result",
    status,
    accounts_available: Number(params.get("accounts_available") || 0),
    account_id: params.get("account_id") ? Number(params.get("account_id")) : null,
    error: params.get("error"),
    reason: params.get("reason"),
    help_url: params.get("help_url"),
    missing_permissions: (params.get("missing_permissions") || "").split(",").filter(Boolean),
    permissions_hint: params.get("permissions_hint"),
  };
}

export default function AccountsPage() {
  const { data: accounts, isLoading, error } = useAccounts();
  const flavours = useLoginFlavours();
  // Only the configured ways in (the other answers 422); both if the server could not say.
  const offered: Flavour[] = flavours.data ?? (flavours.isError ? ["facebook", "instagram"] : []);
  const [params, setParams] = useSearchParams();
  const [connect, setConnect] = useState<{ key: number; popup?: Window | null; result?: OAuthResult; flavour?: Flavour } | null>(null);

  useEffect(() => {
    const result = resultFromQuery(params);
    if (result) {
      setConnect({ result, key: Date.now() });
      setParams({}, { replace: true });
    }
  }, [params, setParams]);

  const start = (flavour: Flavour = "facebook") => setConnect({ popup: openAuthPopup(), key: Date.now(), flavour });
  // The configured ways in, each with who it is for (Facebook Login through a Page; Instagram Login without one).
  const connectButton = (
    <div className="row" style={{ alignItems: "flex-start", flexWrap: "wrap" }}>
      {offered.includes("facebook") && (
        <div className="stack" style={{ gap: 4 }}>
          <button type="button" className="btn btn-instagram" onClick={() => start("facebook")}>
            <InstagramIcon size={18} label="" /> Connect Instagram
          </button>
          <span className="muted small">{LOGIN_FLAVOURS.facebook.who}</span>
        </div>
      )}
      {offered.includes("instagram") && (
        <div className="stack" style={{ gap: 4 }}>
          <button type="button" className={offered.includes("facebook") ? "btn btn-secondary" : "btn btn-instagram"}
            onClick={() => start("instagram")}>
            <InstagramIcon size={18} label="" /> Connect with Instagram Login
          </button>
          <span className="muted small">{LOGIN_FLAVOURS.instagram.who}</span>
        </div>
      )}
    </div>
  );

  return (
    <div className="page">
      <PageHeader
        title="Accounts"
        subtitle="Instagram Business and Creator accounts, connected through Facebook Login or Instagram Login."
        actions={accounts?.length ? connectButton : null}
      />
      <ErrorBox error={error} />
      {isLoading ? (
        <Spinner label="Loading accounts" />
      ) : accounts?.length ? (
        <section className="grid grid-cards" aria-label="Connected accounts">
          {accounts.map((account) => (
            <AccountCard key={account.id} account={account} onReconnect={() => start(asFlavour(account.login_flavour))} />
          ))}
        </section>
      ) : (
        <div className="card">
          <EmptyState
            icon={<InstagramIcon size={44} label="" />}
            title="Connect your first Instagram account"
            action={connectButton}
          >
            With a Facebook Page linked to your Instagram professional account, log in with the Facebook profile
            that manages it; without one, log in with Instagram itself. Content Clipper never sees your password.
          </EmptyState>
        </div>
      )}
      {connect && (
        <OAuthConnectModal key={connect.key} popup={connect.popup} result={connect.result} flavour={connect.flavour}
          onClose={() => setConnect(null)} />
      )}
    </div>
  );
}
