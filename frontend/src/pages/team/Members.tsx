import { ROLES, useMe, useWorkspaceMembers, useWorkspaceMutations, type Workspace, type WorkspaceRole } from "../../api.ts";
import { ErrorBox, Spinner, formatDateTime } from "../../components/ui.tsx";

// The workspace's members; owners and admins change roles and remove members (the server decides).
export function Members({ workspace }: { workspace: Workspace }) {
  const { data: me } = useMe();
  const { data: members, isLoading, error } = useWorkspaceMembers(workspace.id);
  const { changeRole, removeMember } = useWorkspaceMutations(workspace.id);
  const manages = workspace.role === "owner" || workspace.role === "admin";
  if (isLoading) return <Spinner label="Loading members" />;
  return (
    <section className="card stack" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <ErrorBox error={error || changeRole.error || removeMember.error} />
      <table>
        <thead><tr><th>Email</th><th>Role</th><th>Joined</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {(members || []).map((member) => (
            <tr key={member.user_id} aria-label={`Member ${member.email}`}>
              <td>{member.email}{member.user_id === me?.id && " (you)"}</td>
              <td>
                {manages ? (
                  <select aria-label={`Role of ${member.email}`} value={member.role} disabled={changeRole.isPending}
                    onChange={(event) => changeRole.mutate({ userId: member.user_id, role: event.target.value as WorkspaceRole })}>
                    {ROLES.map((item) => <option key={item.role} value={item.role}>{item.label}</option>)}
                  </select>
                ) : member.role}
              </td>
              <td>{formatDateTime(member.joined_at)}</td>
              <td>
                {manages && member.user_id !== me?.id && (
                  <button type="button" className="btn btn-danger-outline btn-sm" disabled={removeMember.isPending}
                    onClick={() => removeMember.mutate(member.user_id)}>
                    Remove {member.email}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{ROLES.map((item) => `${item.label}: ${item.hint}.`).join(" ")}</p>
    </section>
  );
}
