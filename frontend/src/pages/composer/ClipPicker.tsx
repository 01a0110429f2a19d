import { useState } from "react";
import type { Clip, MediaType } from "../../api.ts";
import { ClipThumb } from "../../components/ClipThumb.tsx";
import { Icon } from "../../components/icons.tsx";
import { QUALIFY_AS } from "./state.ts";

type ClipPickerProps = {
  clips: Clip[];
  mediaType: MediaType;
  // The most clips a carousel holds (the server's limit).
  carouselMax: number;
  selected: number[];
  onChange: (ids: number[]) => void;
};

export function ClipPicker({ clips, mediaType, carouselMax, selected, onChange }: ClipPickerProps) {
  const multi = mediaType === "CAROUSEL";
  const [dragIndex, setDragIndex] = useState<number | null>(null);
  const qualifyAs = QUALIFY_AS[mediaType];
  const toggle = (id: number) => {
    if (!multi) return onChange(selected[0] === id ? [] : [id]);
    if (selected.includes(id)) return onChange(selected.filter((x) => x !== id));
    if (selected.length >= carouselMax) return undefined;
    return onChange([...selected, id]);
  };
  const move = (from: number | null, to: number) => {
    if (from === null || to < 0 || to >= selected.length) return;
    const next = [...selected];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item);
    onChange(next);
  };
  const byId = Object.fromEntries(clips.map((clip) => [clip.id, clip]));
  return (
    <div className="stack">
      <div className="picker-grid" role="group" aria-label="Clips">
        {clips.map((clip) => {
          const q = clip.qualification?.[qualifyAs];
          const name = clip.title || clip.filename;
          const full = multi && !selected.includes(clip.id) && selected.length >= carouselMax;
          const reasonsId = `clip-${clip.id}-reasons`;
          return (
            <button key={clip.id} type="button" className="picker-item" aria-pressed={selected.includes(clip.id)}
              onClick={() => toggle(clip.id)} aria-label={`${name}${q && !q.ok ? " (needs conforming)" : ""}`}
              aria-describedby={(q && !q.ok) || full ? reasonsId : undefined} aria-disabled={full || undefined}
              title={q && !q.ok ? q.reasons.join("; ") : name}>
              <ClipThumb clip={clip} className="thumb" />
              <div className="cap">
                {q && (q.ok ? <span className="qual-ok" aria-hidden="true">✓ </span> : <span className="qual-no" aria-hidden="true">✗ </span>)}
                {name}
              </div>
              {((q && !q.ok) || full) && (
                <span id={reasonsId} className="sr-only">
                  {[full ? `A carousel holds at most ${carouselMax} clips.` : "", q && !q.ok ? `Not ready for this type: ${q.reasons.join("; ")}.` : ""].filter(Boolean).join(" ")}
                </span>
              )}
            </button>
          );
        })}
      </div>
      {multi && (
        <div className="stack" style={{ gap: 6 }}>
          <span className="muted small">
            {selected.length} of {carouselMax} selected. Drag to reorder (or use the arrows).
          </span>
          {selected.length >= carouselMax && (
            <span className="muted small" role="status">A carousel holds at most {carouselMax} clips: remove one to add another.</span>
          )}
          <ol className="order-list" aria-label="Carousel order">
            {selected.map((id, index) => (
              <li key={id} draggable onDragStart={() => setDragIndex(index)} onDragOver={(e) => e.preventDefault()}
                onDrop={() => { move(dragIndex, index); setDragIndex(null); }}>
                <Icon name="grip" size={14} />
                {index + 1}. {byId[id]?.title || byId[id]?.filename}
                <button type="button" className="btn-icon" style={{ fontSize: "0.9rem" }} aria-label={`Move ${byId[id]?.filename} earlier`} onClick={() => move(index, index - 1)}>←</button>
                <button type="button" className="btn-icon" style={{ fontSize: "0.9rem" }} aria-label={`Move ${byId[id]?.filename} later`} onClick={() => move(index, index + 1)}>→</button>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
