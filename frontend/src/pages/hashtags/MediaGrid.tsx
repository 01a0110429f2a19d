// A hashtag's top or recent public posts, each with its likes and comments (a dash where hidden).
import { type HashtagEdge, type HashtagMedia, useHashtagMedia } from "../../api.ts";
import { ErrorBox, Spinner, formatDateTime, formatNumber } from "../../components/ui.tsx";

function Post({ item }: { item: HashtagMedia }) {
  const caption = item.caption || "(no caption)";
  return (
    <li className="hashtag-post" aria-label={`Post: ${caption.slice(0, 60)}`}>
      <div className="thumb">
        {item.media_url && item.media_type !== "VIDEO" ? <img src={item.media_url} alt="" loading="lazy" /> : <span>{item.media_type?.toLowerCase() ?? "post"}</span>}
      </div>
      <div className="body">
        <div className="counts">
          <span title={item.like_count === null || item.like_count === undefined ? "Likes hidden by the owner" : undefined}>{formatNumber(item.like_count)} likes</span>
          <span>{formatNumber(item.comments_count)} comments</span>
        </div>
        <span className="muted small">{formatDateTime(item.timestamp)}</span>
        <span>{caption.slice(0, 80)}</span>
        {item.permalink && <a href={item.permalink} target="_blank" rel="noreferrer">Open on Instagram</a>}
      </div>
    </li>
  );
}

export function MediaGrid({ accountId, hashtag, edge }: { accountId: number; hashtag: string; edge: HashtagEdge }) {
  const { data, error, isLoading } = useHashtagMedia(accountId, hashtag, edge);
  if (isLoading) return <Spinner label="Loading posts" />;
  if (error) return <ErrorBox error={error} />;
  const posts = data?.items || [];
  if (!posts.length) {
    return <p className="muted">{edge === "recent" ? "No public post with this hashtag in the last 24 hours." : "No public post with this hashtag."}</p>;
  }
  return (
    <ul className="hashtag-grid" aria-label={`${edge === "top" ? "Top" : "Recent"} posts for #${hashtag}`}>
      {posts.map((item) => <Post key={item.id} item={item} />)}
    </ul>
  );
}
