// A saved hashtag group added to a caption (pure: tested without a browser).

export function withGroup(caption: string, hashtags: string[]): string {
  const present = new Set((caption.match(/#[\p{L}\p{N}_]+/gu) || []).map((tag) => tag.slice(1).toLowerCase()));
  const added = hashtags.filter((tag) => !present.has(tag.toLowerCase())).map((tag) => `#${tag}`);
  if (!added.length) return caption;
  return caption.trim() ? `${caption.replace(/\s+$/u, "")}\n${added.join(" ")}` : added.join(" ");
}
