import type { Clip } from "../api.ts";
import { Icon } from "./icons.tsx";

export function ClipThumb({ clip, className = "clip-thumb" }: { clip: Clip; className?: string }) {
  return (
    <div className={className}>
      {clip.thumbnail_url ? (
        <img src={clip.thumbnail_url} alt={`Thumbnail of ${clip.title || clip.filename}`} />
      ) : clip.kind === "image" && clip.url ? (
        <img src={clip.url} alt={`Preview of ${clip.title || clip.filename}`} />
      ) : (
        <Icon name="film" size={32} />
      )}
    </div>
  );
}
