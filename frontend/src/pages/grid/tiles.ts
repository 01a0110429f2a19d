// The grid page's pure helpers: naming a tile, its time, and which tiles a selected one can swap with.
import type { GridTile } from "../../api/grid.ts";

export const tileKey = (tile: GridTile): string => (tile.post_id !== null ? `post-${tile.post_id}` : `media-${tile.media_id}`);

// What the tile is called in buttons and lists: its caption's start, else its kind and id.
export function tileLabel(tile: GridTile): string {
  const caption = (tile.caption || "").trim().split("\n")[0];
  if (caption) return caption.length > 40 ? `${caption.slice(0, 39)}…` : caption;
  return tile.post_id !== null ? `Post ${tile.post_id}` : "Published post";
}

// A tile's time in the browser's time zone, e.g. "Tue 8 Dec, 09:00".
export function tileTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

// The other scheduled tiles whose time the selected post can take (both must still be swappable).
export function swapTargets(tiles: readonly GridTile[], selected: number | null): GridTile[] {
  if (selected === null || !tiles.some((tile) => tile.post_id === selected && tile.swappable)) return [];
  return tiles.filter((tile) => tile.swappable && tile.post_id !== null && tile.post_id !== selected);
}

// A CSS aspect-ratio from the server's "3:4".
export function cssAspect(ratio: string): string {
  const [width, height] = ratio.split(":").map(Number);
  return width > 0 && height > 0 ? `${width} / ${height}` : "3 / 4";
}
