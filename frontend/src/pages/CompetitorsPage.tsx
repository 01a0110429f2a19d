import { type FormEvent, useMemo, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import {
  type CompetitorHistory, type ComparisonRow, fieldsOf, useActiveAccounts, useCompetitorComparison,
  useCompetitorHistory, useCompetitorMutations, useCompetitors,
} from "../api.ts";
import { Icon } from "../components/icons.tsx";
import { EmptyState, ErrorBox, Field, PageHeader, Spinner, formatNumber } from "../components/ui.tsx";

const COLORS = ["#5b4cf0", "#d62976", "#14865c", "#fa7e1e", "#2a7ab8", "#8a5a00", "#6b7089", "#b03a2e", "#1f8a8a", "#7b3fa0", "#444"];
const USERNAME = /^@?[A-Za-z0-9._]{1,30}$/;

const average = (value: number | null | undefined) => (value === null || value === undefined ? "—" : formatNumber(Math.round(value)));

// One row per day, one column per account: what a multi-line chart draws.
function followersByDay(history: CompetitorHistory | undefined) {
  const days = new Map<string, Record<string, string | number>>();
  (history?.series || []).forEach((series) => {
    series.points.forEach((point) => {
      if (point.followers_count === null || point.followers_count === undefined) return;
      const row = days.get(point.day) || { day: point.day };
      row[series.username] = point.followers_count;
      days.set(point.day, row);
    });
  });
  return [...days.values()].sort((a, b) => String(a.day).localeCompare(String(b.day)));
}

function FollowersChart({ accountId }: { accountId: number }) {
  const { data, error, isLoading } = useCompetitorHistory(accountId);
  const rows = useMemo(() => followersByDay(data), [data]);
  const names = (data?.series || []).map((s) => s.username);
  return (
    <figure className="card" style={{ margin: 0 }} aria-label="Followers over time chart">
      <figcaption className="row-between" style={{ marginBottom: 8 }}>
        <h2>Followers over time</h2>
        <span className="muted small">one point per daily snapshot, last 90 days</span>
      </figcaption>
      <ErrorBox error={error} />
      {isLoading ? <Spinner label="Loading history" /> : (
        <div className="chart-box">
          {rows.length ? (
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={rows} margin={{ top: 6, right: 8, left: 8, bottom: 0 }}>
                <CartesianGrid stroke="#eceef6" vertical={false} />
                <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} tick={{ fontSize: 11, fill: "#6b7089" }} minTickGap={24} />
                <YAxis tick={{ fontSize: 11, fill: "#6b7089" }} width={56} />
                <Tooltip />
                <Legend />
                {names.map((name, index) => (
                  <Line key={name} type="monotone" dataKey={name} name={`@${name}`} stroke={COLORS[index % COLORS.length]} strokeWidth={index === 0 ? 3 : 2} dot={rows.length < 20} connectNulls isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          ) : <p className="muted">No snapshots yet: the first ones appear when a competitor is added.</p>}
        </div>
      )}
    </figure>
  );
}

function ComparisonTable({ accountId }: { accountId: number }) {
  const { data, error, isLoading } = useCompetitorComparison(accountId);
  const { remove } = useCompetitorMutations(accountId);
  const row = (r: ComparisonRow) => (
    <tr key={r.competitor_id ?? "own"}>
      <th scope="row" style={{ textTransform: "none", fontSize: "inherit" }}>@{r.username}{r.is_own && <span className="muted small"> (you)</span>}</th>
      <td>{formatNumber(r.latest?.followers_count)}</td>
      <td>{formatNumber(r.latest?.media_count)}</td>
      <td>{average(r.latest?.avg_likes)}</td>
      <td>{average(r.latest?.avg_comments)}</td>
      <td className="muted small">{r.latest?.day ?? "—"}</td>
      <td>
        {!r.is_own && r.competitor_id && (
          <button type="button" className="btn btn-ghost btn-sm" aria-label={`Stop tracking @${r.username}`}
            disabled={remove.isPending} onClick={() => remove.mutate(r.competitor_id as number)}>
            <Icon name="trash" />
          </button>
        )}
      </td>
    </tr>
  );
  return (
    <section className="card stack" aria-labelledby="compare-title">
      <h2 id="compare-title">Side by side</h2>
      <ErrorBox error={error || remove.error} />
      {isLoading ? <Spinner label="Loading comparison" /> : data && (
        <div style={{ overflowX: "auto" }}>
          <table aria-label="Competitor comparison">
            <thead>
              <tr><th>Account</th><th>Followers</th><th>Posts</th><th>Avg likes</th><th>Avg comments</th><th>As of</th><th><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>{data.rows.map(row)}</tbody>
          </table>
        </div>
      )}
      <p className="muted small">Averages cover each account's most recent posts; likes only where the owner shows them.</p>
    </section>
  );
}

function AddCompetitor({ accountId }: { accountId: number }) {
  const { data } = useCompetitors(accountId);
  const { add } = useCompetitorMutations(accountId);
  const [username, setUsername] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const full = !!data && data.items.length >= data.limit;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = username.trim();
    if (!USERNAME.test(name)) {
      setProblem("An Instagram username has 1 to 30 letters, digits, periods or underscores.");
      return;
    }
    setProblem(null);
    add.mutate(name, { onSuccess: () => setUsername("") });
  };
  const fieldError = problem || fieldsOf(add.error).username;
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="add-title" noValidate>
      <div className="row-between">
        <h2 id="add-title">Track a competitor</h2>
        {data && <span className="muted small">{data.items.length} of {data.limit} tracked</span>}
      </div>
      <div className="row" style={{ alignItems: "flex-end" }}>
        <div style={{ flex: 1, minWidth: 220 }}>
          <Field label="Instagram username" error={fieldError} hint="A public Business or Creator account, e.g. bluebottle">
            {(p) => <input {...p} value={username} onChange={(e) => setUsername(e.target.value)} placeholder="username" autoComplete="off" maxLength={31} />}
          </Field>
        </div>
        <button type="submit" className="btn btn-primary" disabled={add.isPending || full}>
          <Icon name="plus" /> {add.isPending ? "Checking…" : "Add"}
        </button>
      </div>
      {full && <p className="muted small">This account tracks the most competitors allowed: remove one to add another.</p>}
      {!fieldsOf(add.error).username && <ErrorBox error={add.error} />}
    </form>
  );
}

export default function CompetitorsPage() {
  const { data: accounts, isLoading } = useActiveAccounts();
  const eligible = accounts.filter((a) => a.login_flavour !== "instagram");
  const [chosen, setChosen] = useState<number | null>(null);
  const accountId = chosen ?? eligible[0]?.id;
  if (!isLoading && !eligible.length) {
    return (
      <div className="page">
        <PageHeader title="Competitors" />
        <div className="card">
          <EmptyState title="No Facebook Login account connected">
            Competitor benchmarks read other accounts through Meta's Business Discovery, which exists only for
            accounts connected with Facebook Login (graph.facebook.com), not with Instagram Login.
          </EmptyState>
        </div>
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader
        title="Competitors"
        subtitle="How public Business and Creator accounts compare with yours, snapshotted daily."
        actions={
          <div style={{ width: 220 }}>
            <Field label="Account">
              {(p) => <select {...p} value={accountId ?? ""} onChange={(e) => setChosen(Number(e.target.value))}>{eligible.map((a) => <option key={a.id} value={a.id}>@{a.username}</option>)}</select>}
            </Field>
          </div>
        }
      />
      {eligible.length < accounts.length && (
        <p className="muted small">Accounts connected with Instagram Login are not listed: Meta offers Business Discovery only through Facebook Login.</p>
      )}
      {isLoading || !accountId ? <Spinner label="Loading accounts" /> : (
        <>
          <AddCompetitor accountId={accountId} />
          <ComparisonTable accountId={accountId} />
          <FollowersChart accountId={accountId} />
        </>
      )}
    </div>
  );
}
