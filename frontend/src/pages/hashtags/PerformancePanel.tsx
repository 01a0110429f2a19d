// How the hashtags of our own published posts did: per hashtag, the posts that carried it (caption or
// posted first comment) and the median reach, views and interactions with their interquartile range,
// a low-sample marker, the posts on demand, and the same report as CSV.
import { Fragment, useState } from "react";
import {
  type Account, type HashtagPerformance, type HashtagPerformanceSort, type MetricSpread, type PerformanceFilters,
  hashtagPerformanceCsvUrl, useHashtagPerformance,
} from "../../api.ts";
import { Icon } from "../../components/icons.tsx";
import { AccountSelect } from "../../components/AccountSelect.tsx";
import { Badge, EmptyState, ErrorBox, Field, Spinner, formatDateTime, formatNumber } from "../../components/ui.tsx";

const SORTS: [HashtagPerformanceSort, string][] = [
  ["posts", "Most posts"], ["reach", "Median reach"], ["views", "Median views"], ["interactions", "Median interactions"], ["hashtag", "Hashtag"],
];
const METRICS = ["reach", "views", "interactions"] as const;

function SpreadCell({ spread, label }: { spread: MetricSpread; label: string }) {
  if (spread.median === null || spread.median === undefined) return <td aria-label={`${label}: no numbers`}>—</td>;
  return (
    <td aria-label={`${label}: ${formatNumber(spread.median)}`}>
      <strong>{formatNumber(spread.median)}</strong>
      <span className="muted small" style={{ display: "block" }} title="Interquartile range: the middle half of the posts">
        {formatNumber(spread.q1)}–{formatNumber(spread.q3)}
      </span>
    </td>
  );
}

function Row({ item, below, open, toggle }: { item: HashtagPerformance; below: number; open: boolean; toggle: () => void }) {
  return (
    <Fragment>
      <tr aria-label={`#${item.hashtag}`}>
        <td><strong>#{item.hashtag}</strong></td>
        <td>
          {item.posts}
          {item.measured < item.posts && <span className="muted small" style={{ display: "block" }}>{item.measured} with numbers</span>}
          {item.low_sample && <span style={{ display: "block" }} title={`Numbers for fewer than ${below} posts: do not read much into them.`}><Badge tone="warning">Low sample</Badge></span>}
        </td>
        {METRICS.map((name) => <SpreadCell key={name} spread={item[name]} label={`Median ${name}`} />)}
        <td>
          <button type="button" className="btn btn-ghost" aria-expanded={open} onClick={toggle}>
            {open ? "Hide posts" : "Show posts"}<span className="sr-only"> with #{item.hashtag}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <ul aria-label={`Posts with #${item.hashtag}`} className="stack" style={{ listStyle: "none", margin: 0, padding: 0, gap: 6 }}>
              {item.items.map((post) => (
                <li key={post.post_id} className="row" style={{ gap: 12, flexWrap: "wrap" }}>
                  <a href={`/posts/${post.post_id}`}>{formatDateTime(post.published_at)}</a>
                  <span className="muted small">in {post.found_in.map((where) => where.replace("_", " ")).join(" and ")}</span>
                  <span>{formatNumber(post.reach)} reach · {formatNumber(post.views)} views · {formatNumber(post.interactions)} interactions</span>
                  {post.permalink && <a href={post.permalink} target="_blank" rel="noreferrer">View on Instagram</a>}
                </li>
              ))}
            </ul>
            {item.items.length < item.posts && <p className="muted small">The newest {item.items.length} of {item.posts} posts; the CSV has the same.</p>}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

export function PerformancePanel({ accounts }: { accounts: Account[] }) {
  const [filters, setFilters] = useState<PerformanceFilters>({ sort: "posts" });
  const [open, setOpen] = useState<string | null>(null);
  const { data, error, isLoading } = useHashtagPerformance(filters);
  const set = (change: Partial<PerformanceFilters>) => setFilters({ ...filters, ...change });
  return (
    <section className="card stack" aria-labelledby="performance-title">
      <div className="row-between">
        <h2 id="performance-title">Performance of your hashtags</h2>
        <a className="btn btn-secondary" href={hashtagPerformanceCsvUrl(filters)} download><Icon name="download" /> Export CSV</a>
      </div>
      <div className="grid grid-2">
        <AccountSelect label="Posted from" allLabel="All accounts" accounts={accounts} value={filters.account_id} onChange={(id) => set({ account_id: id ?? undefined })} />
        <Field label="Sort by">
          {(p) => (
            <select {...p} value={filters.sort} onChange={(e) => set({ sort: e.target.value as HashtagPerformanceSort })}>
              {SORTS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          )}
        </Field>
        <Field label="Published since">{(p) => <input {...p} type="date" value={filters.since ?? ""} onChange={(e) => set({ since: e.target.value || undefined })} />}</Field>
        <Field label="Published until">{(p) => <input {...p} type="date" value={filters.until ?? ""} onChange={(e) => set({ until: e.target.value || undefined })} />}</Field>
      </div>
      <ErrorBox error={error} />
      {isLoading ? <Spinner label="Loading hashtag performance" /> : data && (data.hashtags.length ? (
        <div style={{ overflowX: "auto" }}>
          <table aria-label="Hashtag performance">
            <thead>
              <tr><th>Hashtag</th><th>Posts</th><th>Median reach</th><th>Median views</th><th>Median interactions</th><th><span className="sr-only">Posts</span></th></tr>
            </thead>
            <tbody>
              {data.hashtags.map((item) => (
                <Row key={item.hashtag} item={item} below={data.low_sample_below} open={open === item.hashtag} toggle={() => setOpen(open === item.hashtag ? null : item.hashtag)} />
              ))}
            </tbody>
          </table>
        </div>
      ) : <EmptyState title="No hashtags yet">Hashtags appear here once posts that carry them are published.</EmptyState>)}
      {data && (
        <p className="muted small">
          Over your {data.scanned_posts} newest published posts{data.truncated ? " (older ones are not read)" : ""}: hashtags in the caption and in a posted first comment.
          Numbers are each post's insights as Analytics last read them; under each median, the range of the middle half of the posts.
          {data.total_hashtags > data.hashtags.length && ` Showing ${data.hashtags.length} of ${data.total_hashtags} hashtags.`}
        </p>
      )}
    </section>
  );
}
