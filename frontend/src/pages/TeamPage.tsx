import { type FormEvent, useState } from "react";
import { useWorkspaceMutations, useWorkspaces } from "../api.ts";
import { ErrorBox, Field, Modal, PageHeader, Spinner } from "../components/ui.tsx";
import { Invitations } from "./team/Invitations.tsx";
import { Members } from "./team/Members.tsx";

export default function TeamPage() {
  const { data: workspaces, isLoading, error } = useWorkspaces();
  const [chosenId, setChosenId] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const chosen = workspaces?.find((item) => item.id === chosenId) || workspaces?.[0] || null;
  const { create, leave, remove } = useWorkspaceMutations(chosen?.id ?? null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name, { onSuccess: (made) => { setCreating(false); setName(""); setChosenId(made.id); } });
  };
  if (isLoading) return <Spinner label="Loading workspaces" />;
  return (
    <div className="page stack">
      <PageHeader title="Team" subtitle="Your workspaces, their members and roles, and invitations."
        actions={<button type="button" className="btn btn-primary" onClick={() => { create.reset(); setCreating(true); }}>New workspace</button>} />
      <ErrorBox error={error || leave.error || remove.error} />
      <p className="muted">Accounts, clips and posts still belong to your personal workspace; sharing them in a team workspace comes next.</p>
      <label className="row">
        <span>Workspace</span>
        <select aria-label="Workspace" value={chosen?.id ?? ""} onChange={(event) => setChosenId(Number(event.target.value))}>
          {(workspaces || []).map((item) => (
            <option key={item.id} value={item.id}>{item.name}{item.personal ? " (personal)" : ""} — {item.role}</option>
          ))}
        </select>
      </label>
      {chosen && (
        <>
          <Members workspace={chosen} />
          {(chosen.role === "owner" || chosen.role === "admin") && <Invitations workspace={chosen} />}
          {!chosen.personal && (
            <div className="row">
              <button type="button" className="btn btn-ghost" disabled={leave.isPending}
                onClick={() => leave.mutate(undefined, { onSuccess: () => setChosenId(null) })}>Leave {chosen.name}</button>
              {chosen.role === "owner" && (
                <button type="button" className="btn btn-danger-outline" disabled={remove.isPending}
                  onClick={() => remove.mutate(undefined, { onSuccess: () => setChosenId(null) })}>Delete {chosen.name}</button>
              )}
            </div>
          )}
        </>
      )}
      {creating && (
        <Modal title="New workspace" onClose={() => setCreating(false)}>
          <form className="stack" onSubmit={submit}>
            <Field label="Name">{(props) => (
              <input {...props} required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
            )}</Field>
            <ErrorBox error={create.error} />
            <button type="submit" className="btn btn-primary" disabled={create.isPending}>Create workspace</button>
          </form>
        </Modal>
      )}
    </div>
  );
}
