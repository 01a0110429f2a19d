import { useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { type GridTile, type GridView, useSwap } from "../../api/grid.ts";
import { Badge, EmptyState, ErrorBox } from "../../components/ui.tsx";
import { cssAspect, swapTargets, tileKey, tileLabel, tileTime } from "./tiles.ts";

function TileImage({ tile }: { tile: GridTile }) {
  if (!tile.image_url) return <div className="grid-tile-blank" aria-hidden="true">{tile.media_type}</div>;
  return <img src={tile.image_url} alt={tileLabel(tile)} loading="lazy" />;
}

function feedNote(tile: GridTile): string {
  if (!tile.feed_aspect) return "";
  return tile.reel ? `Reel cover, ${tile.feed_aspect} in the feed` : `${tile.feed_aspect} in the feed`;
}

// The profile grid, 3 columns, newest top left: a scheduled tile is dragged onto another to swap their
// times, or (keyboard) selected, then swapped with one picked from the "Swap with" list.
export function ProfileGrid({ view }: { view: GridView }) {
  const swap = useSwap(view.account_id);
  const [selected, setSelected] = useState<number | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [target, setTarget] = useState<string>("");
  const picker = useRef<HTMLSelectElement>(null);
  // A post selected from the keyboard: its "Swap with" list is next, so the focus goes there.
  useEffect(() => { if (selected !== null) picker.current?.focus(); }, [selected]);
  // The focus returns to the post's own Select button (the bar it was in goes away).
  const cancel = () => {
    const back = selected;
    setSelected(null);
    setTarget("");
    requestAnimationFrame(() => document.getElementById(`grid-select-${back}`)?.focus());
  };
  const targets = swapTargets(view.tiles, selected);
  const chosen = selected === null ? undefined : view.tiles.find((tile) => tile.post_id === selected);
  const swapWith = (first: number, second: number) => {
    if (first === second) return;
    swap.mutate([first, second], { onSuccess: cancel });
  };

  if (!view.tiles.length) {
    return <EmptyState title="Nothing in the grid yet">Schedule a post, or publish one, to see it here.</EmptyState>;
  }
  return (
    <div className="stack">
      <ErrorBox error={swap.error} />
      {chosen && (
        <div className="card row grid-swap-bar" role="group" aria-label="Swap times"
          onKeyDown={(e) => { if (e.key === "Escape") cancel(); }}>
          <span>Selected: <strong>{tileLabel(chosen)}</strong> ({tileTime(chosen.at)})</span>
          <label htmlFor="grid-swap-with">Swap with</label>
          <select id="grid-swap-with" ref={picker} value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">Choose a scheduled post…</option>
            {targets.map((tile) => (
              <option key={tile.post_id} value={tile.post_id!}>{tileLabel(tile)} — {tileTime(tile.at)}</option>
            ))}
          </select>
          <button type="button" className="btn btn-primary btn-sm" disabled={!target || swap.isPending}
            onClick={() => swapWith(selected!, Number(target))}>Swap times</button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={cancel}>Cancel</button>
        </div>
      )}
      <ul className="profile-grid" aria-label="Profile grid">
        {view.tiles.map((tile) => {
          const label = tileLabel(tile);
          const id = tile.post_id;
          const movable = tile.swappable && id !== null;
          return (
            <li key={tileKey(tile)} className={`grid-tile grid-tile-${tile.kind}${id !== null && id === selected ? " selected" : ""}`}
              style={{ aspectRatio: cssAspect(view.tile_aspect) }}
              aria-label={tile.kind === "scheduled" ? `Scheduled: ${label}, ${tileTime(tile.at)}` : `Published: ${label}`}
              draggable={movable}
              onDragStart={movable ? () => setDragged(id) : undefined}
              onDragOver={movable ? (e) => e.preventDefault() : undefined}
              onDrop={movable ? () => { if (dragged !== null) swapWith(dragged, id); setDragged(null); } : undefined}
              title={feedNote(tile)}>
              <TileImage tile={tile} />
              <span className="grid-tile-badges">
                {tile.kind === "scheduled" && <Badge tone={tile.status === "scheduled" ? "info" : "warning"}>{tileTime(tile.at)}</Badge>}
                {tile.reel && <Badge>Reel</Badge>}
                {tile.media_type.startsWith("CAROUSEL") && <Badge>Carousel</Badge>}
              </span>
              <span className="grid-tile-actions">
                {tile.kind === "scheduled" && id !== null && <Link to={`/posts/${id}`} className="btn btn-ghost btn-sm">Open</Link>}
                {tile.kind === "published" && tile.permalink && (
                  <a href={tile.permalink} target="_blank" rel="noreferrer" className="btn btn-ghost btn-sm">View on Instagram</a>
                )}
                {movable && (
                  <button type="button" id={`grid-select-${id}`} className="btn btn-secondary btn-sm" aria-pressed={id === selected}
                    aria-label={`Select “${label}” to swap`} onClick={() => setSelected(id === selected ? null : id)}>
                    Select
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function StoriesStrip({ stories }: { stories: GridTile[] }) {
  if (!stories.length) return <p className="muted">No story scheduled.</p>;
  return (
    <ul className="grid-stories" aria-label="Scheduled stories">
      {stories.map((story) => (
        <li key={tileKey(story)} className="grid-story">
          <Link to={`/posts/${story.post_id}`} aria-label={`Story: ${tileLabel(story)}, ${tileTime(story.at)}`}>
            <TileImage tile={story} />
          </Link>
          <span className="muted">{tileTime(story.at)}</span>
        </li>
      ))}
    </ul>
  );
}
