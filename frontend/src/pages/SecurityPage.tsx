import { useApiTokens, useSecurityMutations, useSessions } from "../api.ts";
import { Badge, EmptyState, ErrorBox, PageHeader, Spinner } from "../components/ui.tsx";

const when = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : "never");

function Sessions() {
  const { data: sessions, isLoading, error } = useSessions();
  const { endSession } = useSecurityMutations();
  if (isLoading) return <Spinner label="Loading sessions" />;
  return (
    <section className="card stack" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Signed-in sessions</h2>
      <ErrorBox error={error || endSession.error} />
      <table>
        <thead>
          <tr><th>Device</th><th>Address</th><th>Last used</th><th><span className="sr-only">Actions</span></th></tr>
        </thead>
        <tbody>
          {(sessions || []).map((session) => (
            <tr key={session.id} aria-label={`Session ${session.id}`}>
              <td>{session.user_agent || "Unknown client"} {session.current && <Badge tone="success">This session</Badge>}</td>
              <td>{session.ip_address || "unknown"}</td>
              <td>{when(session.last_used_at)}</td>
              <td>
                {!session.current && (
                  <button type="button" className="btn btn-ghost" disabled={endSession.isPending}
                    onClick={() => endSession.mutate(session.id)}>
                    Sign out session {session.id}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Tokens() {
  const { data: tokens, isLoading, error } = useApiTokens();
  const { revokeToken } = useSecurityMutations();
  if (isLoading) return <Spinner label="Loading API tokens" />;
  return (
    <section className="card stack" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <ErrorBox error={error || revokeToken.error} />
      {!tokens?.length ? (
        <EmptyState title="No API tokens">Create one with <code>clipper</code> or POST /api/v1/auth/tokens.</EmptyState>
      ) : (
        <table>
          <thead>
            <tr><th>Name</th><th>Starts with</th><th>Created</th><th>Last used</th><th><span className="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td><code>{token.prefix}…</code></td>
                <td>{when(token.created_at)}</td>
                <td>{when(token.last_used_at)}</td>
                <td>
                  <button type="button" className="btn btn-ghost" disabled={revokeToken.isPending}
                    onClick={() => revokeToken.mutate(token.id)}>
                    Revoke {token.name}
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

export default function SecurityPage() {
  return (
    <div className="page stack">
      <PageHeader title="Security" subtitle="Where you are signed in, and the API tokens that can act for you." />
      <Sessions />
      <Tokens />
    </div>
  );
}
