import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { type Post, usePostMutations, usePosts } from "../api.ts";
import { Icon } from "../components/icons.tsx";
import { ErrorBox, PageHeader, StatusBadge, userTimeZone } from "../components/ui.tsx";

const DAY = 86_400_000;
const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
// Weeks start on Monday.
const startOfWeek = (d: Date) => addDays(startOfDay(d), -((d.getDay() + 6) % 7));
const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

type View = "month" | "week";

function postDate(post: Post): Date | null {
  const value = post.published_at || post.scheduled_for || post.created_at;
  return value ? new Date(value) : null;
}

const weeksOf = (days: Date[]) => Array.from({ length: days.length / 7 }, (_, i) => days.slice(i * 7, i * 7 + 7));

function range(view: View, anchor: Date) {
  if (view === "week") {
    const start = startOfWeek(anchor);
    return { start, days: Array.from({ length: 7 }, (_, i) => addDays(start, i)) };
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const start = startOfWeek(first);
  const weeks = Math.ceil(((first.getTime() - start.getTime()) / DAY + new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0).getDate()) / 7);
  return { start, days: Array.from({ length: weeks * 7 }, (_, i) => addDays(start, i)) };
}

export default function CalendarPage() {
  const [view, setView] = useState<View>("month");
  const [anchor, setAnchor] = useState(() => new Date());
  const [dropDay, setDropDay] = useState<Date | null>(null);
  const { days } = useMemo(() => range(view, anchor), [view, anchor]);
  const from = days[0].toISOString();
  const to = addDays(days[days.length - 1], 1).toISOString();
  const { data: posts, error } = usePosts({ from, to, limit: 200 });
  const { data: unscheduled } = usePosts({ status: "draft" });
  const { update } = usePostMutations();
  const today = new Date();

  const move = (step: number) => setAnchor((a) => (view === "week" ? addDays(a, 7 * step) : new Date(a.getFullYear(), a.getMonth() + step, 1)));
  const reschedule = (postId: string, day: Date) => {
    const post = posts?.find((p) => String(p.id) === String(postId));
    if (!post || post.status !== "scheduled" || !post.scheduled_for) return;
    const old = new Date(post.scheduled_for);
    const next = new Date(day.getFullYear(), day.getMonth(), day.getDate(), old.getHours(), old.getMinutes(), old.getSeconds());
    update.mutate({ id: post.id, scheduled_for: next.toISOString() });
  };

  const title = view === "week"
    ? `Week of ${days[0].toLocaleDateString([], { day: "numeric", month: "long", year: "numeric" })}`
    : anchor.toLocaleDateString([], { month: "long", year: "numeric" });

  return (
    <div className="page">
      <PageHeader
        title="Calendar"
        subtitle={`Scheduled and published posts, in your time zone (${userTimeZone()}). Drag a scheduled post to another day to move it.`}
        actions={<Link className="btn btn-primary" to="/compose"><Icon name="plus" /> New post</Link>}
      />
      <section className="card stack">
        <div className="row-between">
          <div className="row">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => move(-1)} aria-label={view === "week" ? "Previous week" : "Previous month"}><Icon name="chevronLeft" size={16} /></button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setAnchor(new Date())}>Today</button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => move(1)} aria-label={view === "week" ? "Next week" : "Next month"}><Icon name="chevronRight" size={16} /></button>
            <h2 aria-live="polite">{title}</h2>
          </div>
          <div className="segmented" role="radiogroup" aria-label="View">
            <label><input type="radio" name="view" checked={view === "month"} onChange={() => setView("month")} /> Month</label>
            <label><input type="radio" name="view" checked={view === "week"} onChange={() => setView("week")} /> Week</label>
          </div>
        </div>
        <ErrorBox error={error || update.error} />
        <div className={view === "week" ? "cal-grid cal-week" : "cal-grid"} role="table" aria-label={title}>
          <div role="row" className="cal-row">{WEEKDAYS.map((d) => <div key={d} className="cal-dow" role="columnheader">{d}</div>)}</div>
          {weeksOf(days).map((week) => (
          <div key={week[0].toISOString()} role="row" className="cal-row">
          {week.map((day) => {
            const items = (posts || []).filter((p) => { const d = postDate(p); return d && sameDay(d, day); })
              .sort((a, b) => (postDate(a)?.getTime() ?? 0) - (postDate(b)?.getTime() ?? 0));
            const classes = ["cal-day", view === "month" && day.getMonth() !== anchor.getMonth() ? "other" : "", sameDay(day, today) ? "today" : "", dropDay && sameDay(dropDay, day) ? "drop-target" : ""].join(" ");
            return (
              <div key={day.toISOString()} className={classes} role="cell" aria-label={day.toLocaleDateString([], { weekday: "long", day: "numeric", month: "long" })}
                onDragOver={(e) => { e.preventDefault(); setDropDay(day); }}
                onDragLeave={() => setDropDay(null)}
                onDrop={(e) => { e.preventDefault(); setDropDay(null); reschedule(e.dataTransfer.getData("text/plain"), day); }}>
                <span className="cal-num">{day.getDate()}</span>
                {items.map((post) => (
                  <Link key={post.id} to={`/posts/${post.id}`} className={`cal-post ${post.status}`} draggable={post.status === "scheduled"}
                    onDragStart={(e) => e.dataTransfer.setData("text/plain", String(post.id))}
                    title={`${post.status}: ${post.caption || ""}`}>
                    <StatusBadge status={post.status} />{" "}
                    {postDate(post)?.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })} · {post.media_type === "REELS" ? "Reel" : post.media_type.toLowerCase()} · {post.caption || "(no caption)"}
                  </Link>
                ))}
              </div>
            );
          })}
          </div>
          ))}
        </div>
        <p className="small muted" style={{ margin: 0 }}>Each post shows its status; only scheduled posts can be dragged. With the keyboard, open a post and use its Reschedule form.</p>
      </section>
      {!!unscheduled?.length && (
        <section className="card stack">
          <h2>Drafts</h2>
          <ul className="stack" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {unscheduled.map((post) => (
              <li key={post.id} className="row-between">
                <Link to={`/posts/${post.id}`}>{post.caption || `Draft #${post.id}`}</Link>
                <StatusBadge status={post.status} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
