import { useNavigate, useParams } from "react-router-dom";
import { useInvitationPreview, useWorkspaceMutations } from "../api.ts";
import { ErrorBox, PageHeader, Spinner, formatDateTime } from "../components/ui.tsx";

// Where an invitation link lands (after sign-in): what it offers, and a button to join.
export default function InvitePage() {
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const { data: preview, isLoading, error } = useInvitationPreview(token);
  const { accept } = useWorkspaceMutations(null);
  if (isLoading) return <Spinner label="Reading the invitation" />;
  return (
    <div className="page stack">
      <PageHeader title="Invitation" />
      <ErrorBox error={error || accept.error} title="This invitation cannot be used" />
      {preview && (
        <section className="card stack">
          <p>You are invited to join <strong>{preview.workspace_name}</strong> as <strong>{preview.role}</strong>.</p>
          <p className="muted">The link works once, until {formatDateTime(preview.expires_at)}.</p>
          <button type="button" className="btn btn-primary" disabled={accept.isPending}
            onClick={() => accept.mutate(token, { onSuccess: () => navigate("/team") })}>
            Join {preview.workspace_name}
          </button>
        </section>
      )}
    </div>
  );
}
