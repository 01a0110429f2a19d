// One connected account: who it is, how it is doing, and the way out (disconnect, with confirmation).
import { useState } from "react";
import { type Account, metaText, profilePicture, useAccountMutations } from "../../api.ts";
import { InstagramIcon } from "../icons.tsx";
import { Avatar, Badge, ConfirmDialog, formatDateTime, formatNumber } from "../ui.tsx";

// How the account was connected: which Meta login, so which host and permission names it uses.
const FLAVOUR_LABEL: Record<string, string> = {
  facebook: "Connected with Facebook Login (through its Page)",
  instagram: "Connected with Instagram Login (no Page)",
};

export default function AccountCard({ account, onReconnect }: { account: Account; onReconnect: () => void }) {
  const { disconnect, remove } = useAccountMutations();
  const [confirming, setConfirming] = useState<"disconnect" | "remove" | null>(null);
  const username = account.username || metaText(account, "username") || account.platform_account_id;
  const needsReconnect = account.action === "reconnect";
  const healthy = account.is_active && !needsReconnect;
  const mutation = confirming === "remove" ? remove : disconnect;
  // The profile as of the last connect or health check (the API keeps it current; no call to Meta here).
  const picture = profilePicture(account);

  return (
    <article className="card account-card" aria-label={`Instagram account @${username}`}>
      <div className="account-top">
        <Avatar src={picture} name={username} size={52} />
        <div className="who">
          <strong>@{username}</strong>
          <span className="muted small">{metaText(account, "name") || metaText(account, "facebook_page_name")}</span>
          <span className="muted small" style={{ display: "block" }}>{FLAVOUR_LABEL[account.login_flavour] || FLAVOUR_LABEL.facebook}</span>
        </div>
        <InstagramIcon size={26} label="Instagram" />
      </div>
      <div className="stats">
        {account.followers_count != null && (
          <div>
            <div className="stat-value">{formatNumber(account.followers_count)}</div>
            <div className="stat-label">Followers</div>
          </div>
        )}
        {account.media_count != null && (
          <div>
            <div className="stat-value">{formatNumber(account.media_count)}</div>
            <div className="stat-label">Posts</div>
          </div>
        )}
        <div>
          <div className="stat-value" style={{ fontSize: "0.95rem" }}>{formatDateTime(account.connected_at)}</div>
          <div className="stat-label">Connected</div>
        </div>
      </div>
      <div className="row">
        <Badge tone={account.is_active ? "success" : "neutral"}>{account.is_active ? "Active" : "Inactive"}</Badge>
        {healthy ? (
          <Badge tone="success">Healthy</Badge>
        ) : (
          <Badge tone="danger">Reconnect needed</Badge>
        )}
        {account.missing_permissions?.length > 0 && <Badge tone="warning">Missing permissions</Badge>}
      </div>
      {!healthy && (
        <div className="alert alert-warning small" role="status">
          {account.health_reason || "Access to this account ended (the token expired or was revoked)."}
        </div>
      )}
      {healthy && account.webhook_problem && (
        <div className="alert alert-info small" role="status">{account.webhook_problem}</div>
      )}
      <div className="row" style={{ justifyContent: "flex-end" }}>
        {!healthy && (
          <button type="button" className="btn btn-primary btn-sm" onClick={onReconnect} aria-label={`Reconnect @${username}`}>
            Reconnect
          </button>
        )}
        {account.is_active ? (
          <button type="button" className="btn btn-danger-outline btn-sm" onClick={() => setConfirming("disconnect")}>
            Disconnect
          </button>
        ) : (
          <button type="button" className="btn btn-danger-outline btn-sm" onClick={() => setConfirming("remove")}>
            Remove
          </button>
        )}
      </div>
      {confirming && (
        <ConfirmDialog
          title={confirming === "remove" ? `Remove @${username}?` : `Disconnect @${username}?`}
          confirmLabel={confirming === "remove" ? "Remove account" : "Disconnect"}
          busy={mutation.isPending}
          error={mutation.error}
          onCancel={() => setConfirming(null)}
          onConfirm={() => mutation.mutate(account.id, { onSuccess: () => setConfirming(null) })}
        >
          <p style={{ margin: 0 }}>
            {confirming === "remove"
              ? "This deletes the account and everything stored for it (scheduled posts, inbox, insights)."
              : "Content Clipper will stop publishing and reading for this account, and its access is revoked. Scheduled posts will not go out until you reconnect."}
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}
