import { describe, expect, it } from "vitest";
import type { GridTile } from "../../api/grid.ts";
import { cssAspect, swapTargets, tileLabel } from "./tiles.ts";

const tile = (over: Partial<GridTile>): GridTile => ({
  kind: "scheduled", post_id: 1, media_id: null, at: "2030-01-01T09:00:00Z", status: "scheduled",
  media_type: "IMAGE", reel: false, caption: null, image_url: null, permalink: null,
  feed_aspect: "4:5", aspect_source: "image", swappable: true, ...over,
});

describe("swapTargets", () => {
  const tiles = [
    tile({ post_id: 1 }),
    tile({ post_id: 2 }),
    tile({ post_id: 3, swappable: false }),
    tile({ kind: "published", post_id: null, media_id: "9", swappable: false }),
  ];

  it("lists the other swappable scheduled posts", () => {
    expect(swapTargets(tiles, 1).map((t) => t.post_id)).toEqual([2]);
  });

  it("is empty with nothing selected or a post that cannot move", () => {
    expect(swapTargets(tiles, null)).toEqual([]);
    expect(swapTargets(tiles, 3)).toEqual([]);
  });
});

describe("tileLabel", () => {
  it("uses the caption's first line, shortened", () => {
    expect(tileLabel(tile({ caption: "Sunrise\nmore" }))).toBe("Sunrise");
    expect(tileLabel(tile({ caption: "x".repeat(60) }))).toHaveLength(40);
  });

  it("falls back to the post id or a published post", () => {
    expect(tileLabel(tile({ post_id: 7 }))).toBe("Post 7");
    expect(tileLabel(tile({ kind: "published", post_id: null, media_id: "5" }))).toBe("Published post");
  });
});

describe("cssAspect", () => {
  it("turns a ratio into CSS", () => {
    expect(cssAspect("3:4")).toBe("3 / 4");
    expect(cssAspect("bad")).toBe("3 / 4");
  });
});
