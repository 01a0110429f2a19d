// Saved hashtag groups: list, delete, and save a new one (the composer inserts them into a caption).
import { type FormEvent, useState } from "react";
import { fieldsOf, useHashtagGroupMutations, useHashtagGroups } from "../../api.ts";
import { ChipInput } from "../../components/ChipInput.tsx";
import { Icon } from "../../components/icons.tsx";
import { ErrorBox, Field } from "../../components/ui.tsx";

export function GroupsPanel({ draft, setDraft }: { draft: string[]; setDraft: (tags: string[]) => void }) {
  const { data: groups = [], error } = useHashtagGroups();
  const { create, remove } = useHashtagGroupMutations();
  const [name, setName] = useState("");
  const problems = fieldsOf(create.error);
  const save = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, hashtags: draft }, { onSuccess: () => { setName(""); setDraft([]); } });
  };
  return (
    <section className="card stack" aria-labelledby="groups-title">
      <h2 id="groups-title">Saved groups</h2>
      <ErrorBox error={error || remove.error} />
      {groups.length ? (
        <ul className="stack" style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {groups.map((group) => (
            <li key={group.id} className="row-between" aria-label={`Group ${group.name}`}>
              <div className="stack" style={{ gap: 4 }}>
                <strong>{group.name}</strong>
                <span className="muted small">{group.hashtags.map((tag) => `#${tag}`).join(" ")}</span>
              </div>
              <button type="button" className="btn btn-ghost" aria-label={`Delete group ${group.name}`} onClick={() => remove.mutate(group.id)}>
                <Icon name="trash" />
              </button>
            </li>
          ))}
        </ul>
      ) : <p className="muted">No saved group yet.</p>}
      <form className="stack" onSubmit={save} aria-label="New hashtag group">
        <Field label="Group name" error={problems.name}>
          {(props) => <input {...props} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <ChipInput label="Group hashtags" values={draft} onChange={setDraft} prefix="#" placeholder="travel, wanderlust"
          hint="Up to 30 hashtags, what one caption may carry." error={problems.hashtags} />
        <ErrorBox error={create.error} />
        <div className="row" style={{ justifyContent: "flex-end" }}>
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim() || !draft.length}>Save group</button>
        </div>
      </form>
    </section>
  );
}
