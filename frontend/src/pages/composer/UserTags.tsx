import { type KeyboardEvent, useState } from "react";
import { Field } from "../../components/ui.tsx";
import type { Point, Tag } from "./state.ts";

// Tags placed on the image: click the preview (or press Enter on it), then name the person; X and Y
// (percent from the top-left corner) can be typed, which is how keyboard users place a tag.
type UserTagsProps = {
  tags: Tag[];
  setTags: (tags: Tag[]) => void;
  pendingTag: Point | null;
  setPendingTag: (point: Point | null) => void;
  error?: string;
};

export function UserTags({ tags, setTags, pendingTag, setPendingTag, error }: UserTagsProps) {
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const percent = (value: number | null | undefined) => Math.round((value ?? 0) * 100);
  const setAxis = (axis: keyof Point, text: string) => {
    if (!pendingTag) return;
    const value = Math.min(100, Math.max(0, Number(text) || 0)) / 100;
    setPendingTag({ ...pendingTag, [axis]: value });
  };
  const add = () => {
    const username = name.replace(/^@/, "").trim();
    if (!username) return setNameError("Type the username to tag.");
    setTags([...tags.filter((tag) => tag.username !== username), { username, ...(pendingTag ?? { x: 0.5, y: 0.5 }) }]);
    setPendingTag(null);
    setName("");
    return setNameError(null);
  };
  // Enter in any of the tag's fields adds the tag; it must never submit the whole post.
  const addOnEnter = (e: KeyboardEvent) => { if (e.key === "Enter") { e.preventDefault(); add(); } };
  return (
    <div className={error ? "stack has-error" : "stack"} style={{ gap: 6 }} role="group" aria-label="User tags">
      <span className="label">User tags</span>
      <span className="muted small">Click the spot on the image in the preview (or focus it and press Enter) to tag someone there.</span>
      {pendingTag && (
        <div className="row" style={{ alignItems: "flex-end" }}>
          <Field label="Username to tag" error={nameError}>
            {(props) => <input {...props} autoFocus value={name} onChange={(e) => { setName(e.target.value); setNameError(null); }}
              onKeyDown={addOnEnter} />}
          </Field>
          <div style={{ width: 90 }}>
            <Field label="X (%)">{(props) => <input {...props} type="number" min="0" max="100" value={percent(pendingTag.x)} onChange={(e) => setAxis("x", e.target.value)} onKeyDown={addOnEnter} />}</Field>
          </div>
          <div style={{ width: 90 }}>
            <Field label="Y (%)">{(props) => <input {...props} type="number" min="0" max="100" value={percent(pendingTag.y)} onChange={(e) => setAxis("y", e.target.value)} onKeyDown={addOnEnter} />}</Field>
          </div>
          <button type="button" className="btn btn-secondary" onClick={add}>Add tag</button>
          <button type="button" className="btn btn-ghost" onClick={() => { setPendingTag(null); setName(""); setNameError(null); }}>Cancel tag</button>
        </div>
      )}
      {tags.length > 0 && (
        <div className="chips">
          {tags.map((tag) => (
            <span key={tag.username} className="chip">@{tag.username} ({percent(tag.x)}%, {percent(tag.y)}%)
              <button type="button" aria-label={`Remove tag @${tag.username}`} onClick={() => setTags(tags.filter((t) => t !== tag))}>×</button>
            </span>
          ))}
        </div>
      )}
      {error && <div className="field-error" role="alert">{error}</div>}
    </div>
  );
}
