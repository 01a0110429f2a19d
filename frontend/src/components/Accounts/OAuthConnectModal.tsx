// Connect Instagram: Facebook Login in a popup, the result by postMessage from the backend's callback
// page (any other origin is ignored), then the account choice when the login reached several accounts.
import { useCallback, useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { type Account, BACKEND_ORIGIN, type Flavour, authorizeUrl, redirectAuthorizeUrl } from "../../api.ts";
import { InstagramIcon, Icon } from "../icons.tsx";
import { Modal, Spinner } from "../ui.tsx";
import InstagramAccountSelector from "./InstagramAccountSelector.tsx";

const POPUP_NAME = "clipper-facebook-login";
const POPUP_FEATURES = "popup=yes,width=620,height=760,left=120,top=80";
// The callback page posts and closes itself; give its message a moment to arrive before treating a
// closed window as "closed by the person".
const CLOSE_GRACE_MS = 1200;

// What the backend's callback page posts (or the redirect flow puts in the query string).
export type OAuthResult = {
  type?: string;
  status: string;
  accounts_available?: number | string | null;
  account_id?: number | null;
  error?: string | null;
  reason?: string | null;
  help_url?: string | null;
  missing_permissions?: string[] | null;
  permissions_hint?: string | null;
};

type Missing = { missingPermissions?: string[]; permissionsHint?: string | null; helpUrl?: string | null };
type SuccessState = { step: "success"; accountId?: number; account?: Account } & Missing;
type ConnectState =
  | { step: "opening" }
  | { step: "waiting" }
  | { step: "blocked" }
  | { step: "cancelled"; closed?: boolean }
  | { step: "no-accounts"; reason: string; error?: string | null; helpUrl: string | null }
  | { step: "error"; error: string; helpUrl?: string | null }
  | ({ step: "select" } & Missing)
  | SuccessState;

// Call from the click handler itself: browsers only allow popups opened during a user gesture.
export function openAuthPopup(): Window | null {
  try {
    return window.open("", POPUP_NAME, POPUP_FEATURES);
  } catch {
    return null;
  }
}

function initialState(result: OAuthResult | undefined, popup: Window | null | undefined): ConnectState {
  if (result) return fromResult(result);
  return popup ? { step: "opening" } : { step: "blocked" };
}

// A help link comes from the query string of the redirect flow, which anyone can craft: only an https
// page of Meta's own help is ever linked (never javascript:, never another site).
const META_HELP_HOSTS = ["facebook.com", "instagram.com", "meta.com"];

export function metaHelpUrl(value: string | null | undefined): string | null {
  try {
    if (!value) return null;
    const url = new URL(value);
    const host = url.hostname.toLowerCase();
    const meta = META_HELP_HOSTS.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
    return url.protocol === "https:" && meta ? url.href : null;
  } catch {
    return null;
  }
}

function fromResult(data: OAuthResult): ConnectState {
  if (data.status === "success") {
    const available = Number(data.accounts_available || 0);
    // Optional permissions left unticked: the account connects, and we say what will not work.
    const missing: Missing = {
      missingPermissions: data.missing_permissions || [],
      permissionsHint: data.permissions_hint,
      helpUrl: metaHelpUrl(data.help_url),
    };
    if (data.account_id && available <= 1) return { step: "success", accountId: data.account_id, ...missing };
    return { step: "select", ...missing };
  }
  if (data.status === "cancelled") return { step: "cancelled" };
  if (data.reason === "no_instagram_account" || data.reason === "no_pages") {
    return { step: "no-accounts", reason: data.reason, error: data.error, helpUrl: metaHelpUrl(data.help_url) };
  }
  return { step: "error", error: data.error || "Instagram could not be connected.", helpUrl: metaHelpUrl(data.help_url) };
}

// The two ways in, and the one line that says who each is for.
export const LOGIN_FLAVOURS: Record<Flavour, { service: string; who: string }> = {
  facebook: { service: "Facebook", who: "I have a Facebook Page linked to my Instagram" },
  instagram: { service: "Instagram", who: "Instagram professional account without a Facebook Page" },
};

type OAuthConnectModalProps = {
  popup?: Window | null;
  result?: OAuthResult;
  onClose?: () => void;
  flavour?: Flavour;
};

export default function OAuthConnectModal({ popup: initialPopup, result, onClose, flavour = "facebook" }: OAuthConnectModalProps) {
  const service = (LOGIN_FLAVOURS[flavour] || LOGIN_FLAVOURS.facebook).service;
  const client = useQueryClient();
  const popupRef = useRef<Window | null>(initialPopup || null);
  const [state, setState] = useState<ConnectState>(() => initialState(result, initialPopup));
  const stepRef = useRef(state.step);
  stepRef.current = state.step;

  const closePopup = () => {
    try {
      popupRef.current?.close();
    } catch {
      /* already gone */
    }
    popupRef.current = null;
  };

  const navigatePopup = useCallback(async (popup: Window) => {
    setState({ step: "opening" });
    try {
      const url = await authorizeUrl(flavour);
      if (popup.closed) return setState({ step: "cancelled", closed: true });
      popup.location.href = url;
      setState({ step: "waiting" });
    } catch (error) {
      try {
        popup.close();
      } catch {
        /* ignore */
      }
      setState({ step: "error", error: error instanceof Error ? error.message : String(error) });
    }
  }, [flavour]);

  // Start: point the popup opened by the click at Facebook's dialog (once, even under StrictMode).
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !initialPopup || result) return;
    started.current = true;
    navigatePopup(initialPopup);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The result from the callback page: only from the backend's origin and with our message type.
  useEffect(() => {
    const onMessage = (event: MessageEvent<OAuthResult | null>) => {
      if (event.origin !== BACKEND_ORIGIN) return;
      const data = event.data;
      if (!data || data.type !== "oauth-result") return;
      closePopup();
      const next = fromResult(data);
      setState(next);
      client.invalidateQueries({ queryKey: ["accounts"] });
      client.invalidateQueries({ queryKey: ["available-accounts"] });
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [client]);

  // The person closed the popup without finishing.
  useEffect(() => {
    if (state.step !== "waiting") return undefined;
    const timer = setInterval(() => {
      const popup = popupRef.current;
      if (popup && !popup.closed) return;
      clearInterval(timer);
      setTimeout(() => {
        if (stepRef.current === "waiting") setState({ step: "cancelled", closed: true });
      }, CLOSE_GRACE_MS);
    }, 400);
    return () => clearInterval(timer);
  }, [state.step]);

  const retry = () => {
    const popup = openAuthPopup();
    popupRef.current = popup;
    if (!popup) return setState({ step: "blocked" });
    navigatePopup(popup);
  };

  const redirectInstead = () => {
    window.location.assign(redirectAuthorizeUrl(flavour));
  };

  const close = () => {
    closePopup();
    onClose?.();
  };

  return (
    <Modal title="Connect Instagram" onClose={close} wide={state.step === "select" || state.step === "no-accounts"}>
      <Body state={state} service={service} retry={retry} redirectInstead={redirectInstead} close={close}
        focusPopup={() => popupRef.current?.focus()}
        onSelected={(account) =>
          setState((previous) => ({ ...(previous.step === "select" ? previous : {}), step: "success", account }))} />
    </Modal>
  );
}

type BodyProps = {
  state: ConnectState;
  service: string;
  retry: () => void;
  redirectInstead: () => void;
  close: () => void;
  focusPopup: () => void;
  onSelected: (account: Account) => void;
};

function Body({ state, service, retry, redirectInstead, close, focusPopup, onSelected }: BodyProps) {
  switch (state.step) {
    case "opening":
    case "waiting":
      return (
        <div className="stack" aria-live="polite">
          <div className="row">
            <Spinner label={`Waiting for ${service}`} />
            <strong>Finish logging in with {service} in the window that opened.</strong>
          </div>
          <p className="muted" style={{ margin: 0 }}>
            {service === "Facebook"
              ? "Pick the Facebook profile that manages your Page, keep every permission ticked, and click Continue."
              : "Log in as your Instagram professional account, keep every permission ticked, and click Allow."}{" "}
            This window updates by itself when you are done.
          </p>
          <div className="row">
            <button type="button" className="btn btn-secondary" onClick={focusPopup}>Show the {service} window</button>
            <button type="button" className="btn btn-ghost" onClick={close}>Cancel</button>
          </div>
        </div>
      );
    case "blocked":
      return (
        <div className="stack">
          <div className="alert alert-warning" role="alert">
            Your browser blocked the {service} login window.
          </div>
          <p className="muted" style={{ margin: 0 }}>
            Allow popups for this site and try again, or continue in this tab: you will come back here when
            {service} is done.
          </p>
          <div className="row">
            <button type="button" className="btn btn-primary" onClick={redirectInstead}>Continue in this tab</button>
            <button type="button" className="btn btn-secondary" onClick={retry}>Try the popup again</button>
          </div>
        </div>
      );
    case "cancelled":
      return (
        <div className="stack">
          <div className="alert alert-info" role="status">
            <strong>Connection cancelled.</strong>{" "}
            {state.closed ? `The ${service} window was closed before you finished.` : `You cancelled the ${service} login.`}{" "}
            Nothing was connected.
          </div>
          <RetryOrClose retry={retry} close={close} />
        </div>
      );
    case "error":
      return (
        <div className="stack">
          <div className="alert alert-danger" role="alert">
            <strong>Instagram could not be connected.</strong> {state.error}
            {state.helpUrl && (
              <> <a href={state.helpUrl} target="_blank" rel="noreferrer">Open Meta's help</a></>
            )}
          </div>
          <RetryOrClose retry={retry} close={close} />
        </div>
      );
    case "no-accounts":
      return (
        <InstagramAccountSelector
          accounts={[]}
          reason={state.reason}
          detail={state.error}
          onRetry={retry}
          onCancel={close}
        />
      );
    case "select":
      return <SelectStep onSelected={onSelected} onRetry={retry} onCancel={close} />;
    case "success":
      return (
        <div className="stack">
          <div className="alert alert-success" role="status">
            <span className="row">
              <InstagramIcon size={20} />
              <strong>
                {state.account?.username ? `@${state.account.username} is connected.` : "Your Instagram account is connected."}
              </strong>
            </span>
          </div>
          <MissingPermissions state={state} />
          <div className="row">
            <button type="button" className="btn btn-primary" onClick={close}>
              <Icon name="check" /> Done
            </button>
          </div>
        </div>
      );
    default:
      return null;
  }
}

function MissingPermissions({ state }: { state: SuccessState }) {
  const missing = state.missingPermissions?.length ? state.missingPermissions : state.account?.missing_permissions || [];
  if (!missing.length) {
    return <p className="muted" style={{ margin: 0 }}>You can now publish, schedule, answer comments and read insights.</p>;
  }
  return (
    <div className="alert alert-warning" role="status" data-testid="missing-permissions">
      <strong>Some features will not work:</strong> these permissions were not granted:
      <ul style={{ margin: "6px 0", paddingLeft: 20 }}>
        {missing.map((name) => <li key={name}><code>{name}</code></li>)}
      </ul>
      {state.permissionsHint || "Click Connect Instagram again and leave every permission ticked."}
      {state.helpUrl && (
        <> <a href={state.helpUrl} target="_blank" rel="noreferrer">Open Meta's help</a></>
      )}
    </div>
  );
}

function SelectStep({ onSelected, onRetry, onCancel }: { onSelected: (account: Account) => void; onRetry: () => void; onCancel: () => void }) {
  return <InstagramAccountSelector fetchAvailable onConnected={onSelected} onRetry={onRetry} onCancel={onCancel} />;
}

function RetryOrClose({ retry, close }: { retry: () => void; close: () => void }) {
  return (
    <div className="row">
      <button type="button" className="btn btn-primary" onClick={retry}>Try again</button>
      <button type="button" className="btn btn-ghost" onClick={close}>Close</button>
    </div>
  );
}
