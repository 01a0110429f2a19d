import { useMemo, useState } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { type MediaWithInsights, type Metric, insightsCsvUrl, useAccountInsights, useAccountMediaInsights, useActiveAccounts, useAudience, useBestTimes, useOnlineFollowers } from "../api.ts";
import { Icon } from "../components/icons.tsx";
import { AccountSelect } from "../components/AccountSelect.tsx";
import { EmptyState, ErrorBox, Field, PageHeader, Spinner, formatNumber, userTimeZone } from "../components/ui.tsx";

const CHARTS: [string, string, string][] = [
  ["views", "Views", "#5b4cf0"],
  ["reach", "Reach", "#d62976"],
  ["follower_count", "New followers", "#14865c"],
  ["total_interactions", "Interactions", "#fa7e1e"],
];
const CHART_METRICS = CHARTS.map(([name]) => name).join(",");
const POST_METRICS = ["views", "reach", "likes", "comments", "shares", "saved", "total_interactions"];

// A post's metric as a number (the server sends whatever Meta reported: absent or null when unknown).
function metricOf(item: MediaWithInsights, name: string): number | null {
  const value = item.metrics?.[name];
  return typeof value === "number" ? value : null;
}

function MetricChart({ metric, label, color }: { metric: Metric | undefined; label: string; color: string }) {
  const data = (metric?.values || []).map((p) => ({ date: p.date, value: p.value }));
  const total = metric?.total ?? data.reduce((n, p) => n + p.value, 0);
  const gradient = `fill-${label.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <figure className="card" style={{ margin: 0 }} aria-label={`${label} chart`}>
      <figcaption className="row-between" style={{ marginBottom: 8 }}>
        <div className="kpi"><span className="label">{label}</span><span className="value">{formatNumber(total)}</span></div>
        <span className="muted small">last 30 days, per day</span>
      </figcaption>
      <div className="chart-box">
        {data.length ? (
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={data} margin={{ top: 6, right: 8, left: -8, bottom: 0 }}>
              <defs>
                <linearGradient id={gradient} x1="0" y1="0" x2="0" y2="1">
                  <stop offset="0%" stopColor={color} stopOpacity={0.3} />
                  <stop offset="100%" stopColor={color} stopOpacity={0} />
                </linearGradient>
              </defs>
              <CartesianGrid stroke="#eceef6" vertical={false} />
              <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} tick={{ fontSize: 11, fill: "#6b7089" }} minTickGap={24} />
              <YAxis tick={{ fontSize: 11, fill: "#6b7089" }} width={48} />
              <Tooltip />
              <Area type="monotone" dataKey="value" name={label} stroke={color} strokeWidth={2} fill={`url(#${gradient})`} isAnimationActive={false} />
            </AreaChart>
          </ResponsiveContainer>
        ) : (
          <p className="muted">No data for this period.</p>
        )}
      </div>
    </figure>
  );
}

function PostTable({ accountId }: { accountId: number | undefined }) {
  const { data, error, isLoading, hasNextPage, fetchNextPage, isFetchingNextPage } = useAccountMediaInsights(accountId);
  const [sort, setSort] = useState({ key: "views", dir: -1 });
  const rows = (data?.pages || []).flatMap((page) => page.items);
  const sorted = [...rows].sort((a, b) => ((metricOf(a, sort.key) ?? -1) - (metricOf(b, sort.key) ?? -1)) * sort.dir);
  const header = (key: string) => (
    <th key={key} aria-sort={sort.key === key ? (sort.dir < 0 ? "descending" : "ascending") : "none"}>
      <button type="button" onClick={() => setSort({ key, dir: sort.key === key ? -sort.dir : -1 })}>
        {key.replaceAll("_", " ")} {sort.key === key ? (sort.dir < 0 ? "↓" : "↑") : ""}
      </button>
    </th>
  );
  const label = (item: MediaWithInsights) => item.caption?.slice(0, 40) || `${(item.media_product_type || "post").toLowerCase()} of ${item.timestamp?.slice(0, 10) ?? "?"}`;
  return (
    <section className="card stack" aria-labelledby="posts-title">
      <h2 id="posts-title">Posts</h2>
      <ErrorBox error={error} />
      {isLoading ? <Spinner label="Loading posts" /> : sorted.length ? (
        <div style={{ overflowX: "auto" }}>
          <table>
            <thead><tr><th>Post</th>{POST_METRICS.map(header)}</tr></thead>
            <tbody>
              {sorted.map((item) => (
                <tr key={item.id}>
                  <td>
                    <div className="row" style={{ gap: 8, flexWrap: "nowrap" }}>
                      {item.thumbnail_url && <img src={item.thumbnail_url} alt="" width={36} height={36} style={{ objectFit: "cover", borderRadius: 6 }} loading="lazy" />}
                      <a href={item.permalink ?? undefined} target="_blank" rel="noreferrer">{label(item)}</a>
                    </div>
                    {item.note && <div className="muted small">{item.note}</div>}
                  </td>
                  {POST_METRICS.map((m) => <td key={m}>{formatNumber(metricOf(item, m))}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : !error && <p className="muted">This account's posts appear here with their metrics.</p>}
      {hasNextPage && (
        <div className="row" style={{ justifyContent: "center" }}>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? "Loading…" : "Load more posts"}
          </button>
        </div>
      )}
    </section>
  );
}

function Audience({ accountId }: { accountId: number | undefined }) {
  const [breakdown, setBreakdown] = useState("country");
  const { data, error, isLoading } = useAudience(accountId, breakdown);
  const buckets = (data?.buckets || []).slice(0, 8).map((b) => ({ name: b.dimensions.join(" · "), value: b.value }));
  return (
    <figure className="card stack" style={{ margin: 0 }} aria-label="Audience chart">
      <figcaption className="row-between">
        <h2>Audience</h2>
        <div style={{ width: 160 }}>
          <Field label="Break down by">
            {(p) => <select {...p} value={breakdown} onChange={(e) => setBreakdown(e.target.value)}><option value="country">Country</option><option value="city">City</option><option value="age">Age</option><option value="gender">Gender</option></select>}
          </Field>
        </div>
      </figcaption>
      {isLoading ? <Spinner /> : error ? <p className="muted">{error.message}</p> : (
        <div className="chart-box">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={buckets} layout="vertical" margin={{ left: 30, right: 12 }}>
              <CartesianGrid stroke="#eceef6" horizontal={false} />
              <XAxis type="number" tick={{ fontSize: 11, fill: "#6b7089" }} />
              <YAxis type="category" dataKey="name" tick={{ fontSize: 11, fill: "#6b7089" }} width={90} />
              <Tooltip />
              <Bar dataKey="value" name="Followers" fill="#5b4cf0" radius={[0, 4, 4, 0]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

const WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

// Meta reports followers online per UTC hour; move each value to the user's weekday and hour (by the
// current UTC offset, rounded to the hour for the rare half-hour zones).
type ByWeekday = Record<string, Record<string, number>>;

function toLocalHours(byWeekdayUtc: ByWeekday, offsetMinutes: number): ByWeekday {
  const shift = Math.round(offsetMinutes / 60);
  const local: ByWeekday = {};
  Object.entries(byWeekdayUtc).forEach(([day, hours]) => {
    const dayIndex = WEEK.indexOf(day);
    if (dayIndex < 0) return;
    Object.entries(hours).forEach(([hour, value]) => {
      const at = (((dayIndex * 24 + Number(hour) + shift) % 168) + 168) % 168;
      const localDay = WEEK[Math.floor(at / 24)];
      local[localDay] = { ...(local[localDay] || {}), [String(at % 24)]: value };
    });
  });
  return Object.fromEntries(WEEK.filter((day) => local[day]).map((day) => [day, local[day]]));
}

function Heatmap({ accountId }: { accountId: number | undefined }) {
  const tz = userTimeZone();
  const online = useOnlineFollowers(accountId);
  const best = useBestTimes(accountId, tz);
  const byWeekday = useMemo(() => toLocalHours(online.data?.by_weekday || {}, -new Date().getTimezoneOffset()), [online.data]);
  const days = Object.keys(byWeekday);
  const max = Math.max(1, ...days.flatMap((d) => Object.values(byWeekday[d])));
  return (
    <section className="card stack" aria-labelledby="heat-title">
      <div className="row-between">
        <h2 id="heat-title">Best times to post</h2>
        <span className="muted small">Followers online per hour ({tz}), last {online.data?.days ?? 30} days</span>
      </div>
      <ErrorBox error={online.error} />
      {days.length ? (
        <div className="heatmap" role="img" aria-label="Heatmap of followers online by weekday and hour">
          <span />
          {Array.from({ length: 24 }, (_, h) => <span key={h} className="heat-label" style={{ justifyContent: "center" }}>{h % 3 === 0 ? h : ""}</span>)}
          {days.map((day) => [
            <span key={day} className="heat-label">{day.slice(0, 3)}</span>,
            ...Array.from({ length: 24 }, (_, h) => {
              const v = byWeekday[day][String(h)] ?? 0;
              return <span key={`${day}-${h}`} className="heat-cell" title={`${day} ${h}:00 — ${v} online`} style={{ background: `rgba(91, 76, 240, ${0.08 + 0.92 * (v / max)})` }} />;
            }),
          ])}
        </div>
      ) : online.isLoading ? <Spinner /> : <p className="muted">Not enough data yet.</p>}
      {best.data && best.data.recommendations.length > 0 && (
        <div className="stack" style={{ gap: 6 }}>
          <strong>Recommended ({best.data.timezone})</strong>
          <div className="chips">
            {best.data.recommendations.map((r) => (
              <span key={r.weekday} className="chip">{r.weekday.slice(0, 3)}: {r.hours.slice(0, 3).map((h) => `${h.hour}:00`).join(", ")}</span>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}

export default function AnalyticsPage() {
  const { data: accounts, isLoading: loadingAccounts } = useActiveAccounts();
  const [chosen, setChosen] = useState<number | null>(null);
  const accountId = chosen ?? accounts[0]?.id;
  // One request for every chart: each metric, views and interactions included, comes by day.
  const { data, error, isLoading } = useAccountInsights(accountId, { metrics: CHART_METRICS });
  const byName = useMemo(() => Object.fromEntries((data?.metrics || []).map((m) => [m.name, m])), [data]);
  if (!loadingAccounts && !accounts.length) {
    return <div className="page"><PageHeader title="Analytics" /><div className="card"><EmptyState title="No account connected">Connect an Instagram account to see its insights.</EmptyState></div></div>;
  }
  return (
    <div className="page">
      <PageHeader
        title="Analytics"
        subtitle="How your account and posts are doing."
        actions={
          <>
            <div style={{ width: 220 }}>
              <AccountSelect accounts={accounts} value={accountId} onChange={setChosen} />
            </div>
            {accountId && <a className="btn btn-secondary" style={{ alignSelf: "flex-end" }} href={insightsCsvUrl(accountId)} download><Icon name="download" /> Export CSV</a>}
          </>
        }
      />
      <ErrorBox error={error} />
      {isLoading ? <Spinner label="Loading insights" /> : (
        <div className="grid grid-2">
          {CHARTS.map(([name, label, color]) => <MetricChart key={name} metric={byName[name]} label={label} color={color} />)}
        </div>
      )}
      <div className="grid grid-2">
        <Audience accountId={accountId} />
        <Heatmap accountId={accountId} />
      </div>
      <PostTable accountId={accountId} />
    </div>
  );
}
