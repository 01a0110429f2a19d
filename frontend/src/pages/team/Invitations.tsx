import { type FormEvent, useState } from "react";
import { ROLES, useInvitations, useWorkspaceMutations, type InvitationCreated, type Workspace, type WorkspaceRole } from "../../api.ts";
import { EmptyState, ErrorBox, Field, formatDateTime } from "../../components/ui.tsx";

// Invite someone (the link is shown once, or mailed), and the invitations still waiting to be used.
export function Invitations({ workspace }: { workspace: Workspace }) {
  const { data: pending, error } = useInvitations(workspace.id, true);
  const { invite, revoke } = useWorkspaceMutations(workspace.id);
  const [role, setRole] = useState<WorkspaceRole>("editor");
  const [email, setEmail] = useState("");
  const [days, setDays] = useState(7);
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const choosable = ROLES.filter((item) => item.role !== "owner" || workspace.role === "owner");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate({ role, expires_in_days: days, email: email.trim() || null }, { onSuccess: (made) => { setCreated(made); setEmail(""); } });
  };
  return (
    <section className="card stack" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <form className="row" onSubmit={submit} aria-label="Invite">
        <Field label="Role">{(props) => (
          <select {...props} value={role} onChange={(event) => setRole(event.target.value as WorkspaceRole)}>
            {choosable.map((item) => <option key={item.role} value={item.role}>{item.label}</option>)}
          </select>
        )}</Field>
        <Field label="Valid for (days)">{(props) => (
          <input {...props} type="number" min={1} max={30} value={days} onChange={(event) => setDays(Number(event.target.value))} />
        )}</Field>
        <Field label="Email (optional)" hint="Mailed when the server has SMTP settings; otherwise you get the link.">{(props) => (
          <input {...props} type="email" maxLength={320} value={email} onChange={(event) => setEmail(event.target.value)} />
        )}</Field>
        <button type="submit" className="btn btn-primary" disabled={invite.isPending}>Create invitation</button>
      </form>
      <ErrorBox error={invite.error || revoke.error || error} />
      {created && (
        <div className="card" role="status">
          {created.link ? (
            <>
              <p>Send this link to the person you invite: it works once, and is not shown again.</p>
              <p><code aria-label="Invitation link" style={{ wordBreak: "break-all" }}>{created.link}</code></p>
            </>
          ) : <p>The invitation was mailed to {created.email}.</p>}
        </div>
      )}
      <h3>Pending invitations</h3>
      {!pending?.length ? <EmptyState title="No pending invitations">Invitations appear here until they are used, revoked or expire.</EmptyState> : (
        <table>
          <thead><tr><th>Role</th><th>Email</th><th>Expires</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {pending.map((item) => (
              <tr key={item.id}>
                <td>{item.role}</td>
                <td>{item.email || "—"}</td>
                <td>{formatDateTime(item.expires_at)}</td>
                <td>
                  <button type="button" className="btn btn-ghost" disabled={revoke.isPending} onClick={() => revoke.mutate(item.id)}>
                    Revoke invitation {item.id}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
