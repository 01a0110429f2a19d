import type { MouseEvent } from "react";
import { type Account, type Clip, type MediaType, profilePicture } from "../../api.ts";
import { Icon } from "../../components/icons.tsx";
import { Avatar } from "../../components/ui.tsx";
import type { Point, Tag } from "./state.ts";

type PreviewProps = {
  account: Account | undefined;
  mediaType: MediaType;
  clip: Clip | undefined;
  caption: string;
  hashtags: string[];
  tags: Tag[];
  pendingTag: Point | null;
  onPlaceTag: (point: Point) => void;
};

export function Preview({ account, mediaType, clip, caption, hashtags, tags, pendingTag, onPlaceTag }: PreviewProps) {
  const reel = mediaType === "REELS" || mediaType === "STORIES";
  const place = (event: MouseEvent<HTMLButtonElement>) => {
    if (mediaType !== "IMAGE") return undefined;
    // Enter/Space fire a click with no pointer position (detail 0): start at the centre, and the
    // X/Y fields next to the username let keyboard users move the spot.
    if (event.detail === 0) return onPlaceTag({ x: 0.5, y: 0.5 });
    const box = event.currentTarget.getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
    return onPlaceTag({ x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height) });
  };
  const media = clip ? (clip.kind === "image" && clip.url ? <img src={clip.url} alt="" /> : clip.thumbnail_url ? <img src={clip.thumbnail_url} alt="" /> : <Icon name="film" size={40} />) : <span>Pick a clip</span>;
  return (
    <section className="phone" aria-label="Preview">
      <div className="phone-head">
        <Avatar src={profilePicture(account)} name={account?.username} size={28} />
        {account ? `@${account.username}` : "your account"}
      </div>
      {mediaType === "IMAGE" ? (
        <button type="button" className={reel ? "phone-media reel" : "phone-media"} onClick={place} aria-label="Tag someone on the image (click the spot, or press Enter to start at the centre)" style={{ border: 0, padding: 0, width: "100%" }}>
          {media}
          {[...tags, ...(pendingTag ? [{ username: "…", ...pendingTag }] : [])].map((tag) => (
            <span key={tag.username} className="tag-pin" style={{ left: `${(tag.x ?? 0) * 100}%`, top: `${(tag.y ?? 0) * 100}%` }}>@{tag.username}</span>
          ))}
        </button>
      ) : (
        <div className={reel ? "phone-media reel" : "phone-media"}>{media}</div>
      )}
      <div className="phone-caption">
        <strong>{account?.username || "you"}</strong> {caption}
        {hashtags.length > 0 && ` ${hashtags.map((tag) => `#${tag}`).join(" ")}`}
      </div>
    </section>
  );
}
