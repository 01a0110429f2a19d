import { type ReactNode, useEffect, useId, useRef } from "react";

type Children = { children?: ReactNode };

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1 tabIndex={-1}>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

// A labelled form control with its error shown right below it (and tied to it for screen readers).
// What a Field hands its control: the id its label points at, and the error/hint wiring.
export type FieldControlProps = { id: string; "aria-describedby": string | undefined; "aria-invalid": boolean };

type FieldProps = {
  label: ReactNode;
  error?: ReactNode;
  hint?: ReactNode;
  id?: string;
  children: ReactNode | ((props: FieldControlProps) => ReactNode);
};

export function Field({ label, error, hint, children, id: givenId }: FieldProps) {
  const autoId = useId();
  const id = givenId || autoId;
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const control = typeof children === "function" ? children({ id, "aria-describedby": describedBy, "aria-invalid": !!error }) : children;
  return (
    <div className={error ? "field has-error" : "field"}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && <div id={`${id}-hint`} className="field-hint">{hint}</div>}
      {error && <div id={`${id}-error`} className="field-error" role="alert">{error}</div>}
    </div>
  );
}

export type Tone = "neutral" | "info" | "warning" | "success" | "danger";

export function Badge({ tone = "neutral", children }: { tone?: Tone } & Children) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export const STATUS_TONE: Record<string, Tone> = {
  draft: "neutral",
  scheduled: "info",
  publishing: "warning",
  unconfirmed: "warning",
  published: "success",
  failed: "danger",
};

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const label = status ? status[0].toUpperCase() + status.slice(1) : "";
  return <Badge tone={(status && STATUS_TONE[status]) || "neutral"}>{label}</Badge>;
}

export function ErrorBox({ error, title }: { error: unknown; title?: ReactNode }) {
  if (!error) return null;
  return (
    <div className="alert alert-danger" role="alert">
      {title && <strong>{title} </strong>}
      {error instanceof Error ? error.message : String(error)}
    </div>
  );
}

export function EmptyState({ icon, title, children, action }: { icon?: ReactNode; title: ReactNode; action?: ReactNode } & Children) {
  return (
    <div className="empty-state">
      {icon}
      <h2>{title}</h2>
      <div className="muted">{children}</div>
      {action}
    </div>
  );
}

const FOCUSABLE = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

// Keep Tab and Shift+Tab inside `container`: from the last control to the first, and back.
function trapTab(event: KeyboardEvent, container: HTMLElement | null) {
  if (event.key !== "Tab" || !container) return;
  const controls = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
  if (!controls.length) {
    event.preventDefault();
    return;
  }
  const first = controls[0];
  const last = controls[controls.length - 1];
  const inside = container.contains(document.activeElement);
  if (event.shiftKey && (document.activeElement === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}

// An accessible modal dialog: focus moves in and stays in (Tab wraps), Escape closes, focus returns
// to the opener.
type ModalProps = { title: ReactNode; onClose?: () => void; footer?: ReactNode; wide?: boolean } & Children;

export function Modal({ title, onClose, children, footer, wide }: ModalProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // The latest onClose without re-running the effect (callers pass a new function on every render,
  // and re-running it would move focus back to the first control each time).
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as (HTMLElement & { disabled?: boolean }) | null;
    // A control marked data-autofocus (a confirmation's Cancel: the safe choice) or else the first one.
    const first = ref.current?.querySelector<HTMLElement>("[data-autofocus]") || ref.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first || ref.current)?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && closeRef.current) {
        event.preventDefault();
        closeRef.current();
      } else {
        trapTab(event, ref.current);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      // The opener may be gone (the deleted row's button) or disabled (a bulk action with nothing left
      // selected): then the page heading keeps keyboard focus on the page instead of <body>.
      const opener = previous?.isConnected && !previous.disabled ? previous : document.querySelector<HTMLElement>("main h1, h1");
      opener?.focus?.();
    };
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose?.()}>
      <div className={wide ? "modal modal-wide" : "modal"} role="dialog" aria-modal="true" aria-labelledby={titleId} ref={ref} tabIndex={-1}>
        <div className="modal-head">
          <h2 id={titleId}>{title}</h2>
          {onClose && (
            <button type="button" className="btn-icon" aria-label="Close" onClick={onClose}>
              ×
            </button>
          )}
        </div>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-foot">{footer}</div>}
      </div>
    </div>
  );
}

type ConfirmDialogProps = {
  title: ReactNode;
  confirmLabel: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: unknown;
} & Children;

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel, busy, error }: ConfirmDialogProps) {
  return (
    <Modal
      title={title}
      onClose={onCancel}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onCancel} data-autofocus>Cancel</button>
          <button type="button" className="btn btn-danger" onClick={onConfirm} disabled={busy}>
            {busy ? "Working…" : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      <ErrorBox error={error} />
    </Modal>
  );
}

export function ProgressBar({ value, label }: { value: number | null | undefined; label: string }) {
  const pct = Math.round((value || 0) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function Avatar({ src, name, size = 40 }: { src?: string | null; name?: string | null; size?: number }) {
  const initial = (name || "?").replace(/^@/, "").slice(0, 1).toUpperCase();
  return src ? (
    <img className="avatar" src={src} alt="" width={size} height={size} style={{ width: size, height: size }} />
  ) : (
    <span className="avatar avatar-fallback" style={{ width: size, height: size }} aria-hidden="true">{initial}</span>
  );
}

export const formatNumber = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : new Intl.NumberFormat().format(n));
export const formatDateTime = (value: string | null | undefined): string => (value ? new Date(value).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—");
export const userTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
