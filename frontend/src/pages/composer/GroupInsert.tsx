// Insert a saved hashtag group at the end of the caption (hashtags already in it are not repeated);
// the caption's 30-hashtag limit stays the server's to check, the counters show it as you go.
import { useState } from "react";
import { useHashtagGroups } from "../../api.ts";
import { Field } from "../../components/ui.tsx";
import { withGroup } from "./groups.ts";

export function GroupInsert({ caption, onCaption }: { caption: string; onCaption: (caption: string) => void }) {
  const { data: groups = [] } = useHashtagGroups();
  const [chosen, setChosen] = useState("");
  if (!groups.length) return null;
  const group = groups.find((g) => String(g.id) === chosen);
  return (
    <div className="row">
      <div style={{ flex: 1 }}>
        <Field label="Saved hashtag group">
          {(props) => (
            <select {...props} value={chosen} onChange={(e) => setChosen(e.target.value)}>
              <option value="">Choose a group…</option>
              {groups.map((g) => <option key={g.id} value={g.id}>{g.name} ({g.hashtags.length})</option>)}
            </select>
          )}
        </Field>
      </div>
      <button type="button" className="btn btn-secondary" style={{ alignSelf: "flex-end" }} disabled={!group}
        onClick={() => group && onCaption(withGroup(caption, group.hashtags))}>
        Insert into caption
      </button>
    </div>
  );
}
