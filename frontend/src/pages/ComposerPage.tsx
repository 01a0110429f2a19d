import { type FormEvent, type KeyboardEvent, type MouseEvent, useMemo, useReducer, useState } from "react";
import { useNavigate } from "react-router-dom";
import { type Account, type Clip, type MediaType, profilePicture, useActiveAccounts, useClips, usePostMutations } from "../api.ts";
import { ClipThumb } from "../components/ClipThumb.tsx";
import { Icon } from "../components/icons.tsx";
import { Avatar, ErrorBox, Field, PageHeader, userTimeZone } from "../components/ui.tsx";
import {
  LIMITS,
  type Point,
  QUALIFY_AS,
  type Tag,
  chosenAccounts,
  composerReducer,
  countCaption,
  fieldMessages,
  formProblems,
  hasUnshownReason,
  initialComposerState,
  offeredOptions,
  postBody,
} from "./composer/state.ts";

const TYPES: [MediaType, string][] = [
  ["REELS", "Reel"],
  ["IMAGE", "Image"],
  ["CAROUSEL", "Carousel"],
  ["STORIES", "Story"],
];

type Counts = ReturnType<typeof countCaption>;

function Counters({ counts }: { counts: Counts }) {
  const item = (key: keyof Counts, label: string) => {
    const over = counts[key] > LIMITS[key];
    return (
      <span className={over ? "over" : undefined}>
        {counts[key]} / {LIMITS[key]} {label}
      </span>
    );
  };
  return (
    <div className="counter-row" aria-live="polite">
      {item("characters", "characters")}
      {item("hashtags", "hashtags")}
      {item("mentions", "mentions")}
    </div>
  );
}

type ChipInputProps = {
  label: string;
  values: string[];
  onChange: (values: string[]) => void;
  prefix: string;
  placeholder?: string;
  error?: string;
  hint?: string;
};

function ChipInput({ label, values, onChange, prefix, placeholder, error, hint }: ChipInputProps) {
  const [text, setText] = useState("");
  const add = () => {
    const parts = text.split(/[\s,]+/).map((part) => part.replace(/^[#@]/, "")).filter(Boolean);
    if (parts.length) onChange([...values, ...parts.filter((part) => !values.includes(part))]);
    setText("");
  };
  return (
    <Field label={label} error={error} hint={hint}>
      {(props) => (
        <div className="stack" style={{ gap: 8 }}>
          <div className="row" style={{ flexWrap: "nowrap" }}>
            <input {...props} value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); add(); } }} />
            <button type="button" className="btn btn-secondary" onClick={add} aria-label={`Add ${label.toLowerCase()}`}>Add</button>
          </div>
          {values.length > 0 && (
            <div className="chips">
              {values.map((value) => (
                <span key={value} className="chip">
                  {prefix}{value}
                  <button type="button" aria-label={`Remove ${prefix}${value}`} onClick={() => onChange(values.filter((v) => v !== value))}>×</button>
                </span>
              ))}
            </div>
          )}
        </div>
      )}
    </Field>
  );
}

type ClipPickerProps = { clips: Clip[]; mediaType: MediaType; selected: number[]; onChange: (ids: number[]) => void };

function ClipPicker({ clips, mediaType, selected, onChange }: ClipPickerProps) {
  const multi = mediaType === "CAROUSEL";
  const [dragIndex, setDragIndex] = useState<number | null>(null);
  const qualifyAs = QUALIFY_AS[mediaType];
  const toggle = (id: number) => {
    if (!multi) return onChange(selected[0] === id ? [] : [id]);
    if (selected.includes(id)) return onChange(selected.filter((x) => x !== id));
    if (selected.length >= LIMITS.carousel) return undefined;
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
          const full = multi && !selected.includes(clip.id) && selected.length >= LIMITS.carousel;
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
                  {[full ? `A carousel holds at most ${LIMITS.carousel} clips.` : "", q && !q.ok ? `Not ready for this type: ${q.reasons.join("; ")}.` : ""].filter(Boolean).join(" ")}
                </span>
              )}
            </button>
          );
        })}
      </div>
      {multi && (
        <div className="stack" style={{ gap: 6 }}>
          <span className="muted small">
            {selected.length} of {LIMITS.carousel} selected. Drag to reorder (or use the arrows).
          </span>
          {selected.length >= LIMITS.carousel && (
            <span className="muted small" role="status">A carousel holds at most {LIMITS.carousel} clips: remove one to add another.</span>
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

// Tags placed on the image: click the preview (or press Enter on it), then name the person; X and Y
// (percent from the top-left corner) can be typed, which is how keyboard users place a tag.
type UserTagsProps = {
  tags: Tag[];
  setTags: (tags: Tag[]) => void;
  pendingTag: Point | null;
  setPendingTag: (point: Point | null) => void;
  error?: string;
};

function UserTags({ tags, setTags, pendingTag, setPendingTag, error }: UserTagsProps) {
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

function Preview({ account, mediaType, clip, caption, hashtags, tags, pendingTag, onPlaceTag }: PreviewProps) {
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

export default function ComposerPage() {
  const navigate = useNavigate();
  const { data: accounts } = useActiveAccounts();
  const { data: allClips } = useClips();
  const { create, publish } = usePostMutations();
  const [state, dispatch] = useReducer(composerReducer, undefined, () => initialComposerState());
  const { mediaType, clipIds, caption, hashtags, collaborators, tags, pendingTag, options, when, scheduledAt } = state;
  const clips = (allClips || []).filter((clip) => clip.status === "ready");
  const counts = useMemo(() => countCaption(caption, hashtags), [caption, hashtags]);
  const chosen = chosenAccounts(state, accounts);
  const previewAccount = accounts.find((a) => a.id === chosen[0]);
  const tz = userTimeZone();
  const setOption = (patch: Partial<typeof options>) => dispatch({ type: "option", patch });
  const setTags = (next: Tag[]) => dispatch({ type: "tags", tags: next });
  const setPendingTag = (point: Point | null) => dispatch({ type: "pendingTag", point });
  const offers = offeredOptions(mediaType);
  const errors: Record<string, string | undefined> = { ...fieldMessages(create.error), ...state.problems };
  const accountError = errors.account_ids || errors.account_id;
  const clipError = errors.clip_id || errors.clip_ids;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = formProblems(state, chosen, clips);
    dispatch({ type: "problems", problems });
    if (Object.keys(problems).length) return;
    const body = postBody(state, chosen);
    create.mutate(body, {
      onSuccess: async (result) => {
        const posts = "items" in result ? result.items : [result];
        // The API has no "create and publish" in one request: publish each new post right after.
        if (!body.scheduled_for) await Promise.all(posts.map((post) => publish.mutateAsync(post.id)));
        navigate(posts.length === 1 ? `/posts/${posts[0].id}` : "/calendar");
      },
    });
  };

  const generalError = hasUnshownReason(create.error, state) ? create.error : publish.error;
  const imageClips = clips.filter((clip) => clip.kind === "image");

  return (
    <div className="page">
      <PageHeader title="Compose" subtitle="Create a post for one or several accounts, then publish it now or schedule it." />
      <form className="split" onSubmit={submit} noValidate aria-label="New post">
        <div className="stack">
          <section className="card stack">
            <fieldset className={accountError ? "has-error" : undefined}>
              <legend>Accounts</legend>
              <div className="row">
                {accounts.map((account) => (
                  <label key={account.id} className="check">
                    <input type="checkbox" checked={chosen.includes(account.id)}
                      onChange={(e) => dispatch({ type: "accounts", ids: e.target.checked ? [...chosen, account.id] : chosen.filter((id) => id !== account.id) })} />
                    <Avatar src={profilePicture(account)} name={account.username} size={24} />
                    @{account.username}
                  </label>
                ))}
                {!accounts.length && <span className="muted">Connect an Instagram account first.</span>}
              </div>
              {accountError && <div className="field-error" role="alert">{accountError}</div>}
            </fieldset>
            <fieldset>
              <legend>Media type</legend>
              <div className="segmented">
                {TYPES.map(([value, label]) => (
                  <label key={value}>
                    <input type="radio" name="media_type" value={value} checked={mediaType === value}
                      onChange={() => dispatch({ type: "mediaType", mediaType: value })} />
                    {label}
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset className={clipError ? "has-error" : undefined}>
              <legend>{mediaType === "CAROUSEL" ? "Clips (2 to 10)" : "Clip"}</legend>
              {clips.length ? (
                <ClipPicker clips={clips} mediaType={mediaType} selected={clipIds} onChange={(ids) => dispatch({ type: "clips", ids })} />
              ) : (
                <span className="muted">No ready clips: upload one on the Clips page.</span>
              )}
              {clipError && <div className="field-error" role="alert">{clipError}</div>}
            </fieldset>
          </section>

          <section className="card stack">
            <Field label="Caption" error={errors.caption}>
              {(props) => <textarea {...props} value={caption} onChange={(e) => dispatch({ type: "caption", caption: e.target.value })} placeholder="Write a caption… use @mentions and #hashtags" />}
            </Field>
            <Counters counts={counts} />
            <ChipInput label="Hashtags" values={hashtags} onChange={(next) => dispatch({ type: "hashtags", hashtags: next })} prefix="#" placeholder="travel, reels" error={errors.hashtags} />
            {offers.reel && (
              <fieldset className="stack">
                <legend>Reel options</legend>
                <label className="check"><input type="checkbox" checked={options.share_to_feed} onChange={(e) => setOption({ share_to_feed: e.target.checked })} /> Also share to feed</label>
                <Field label="Cover image" error={errors.cover_clip_id}>
                  {(props) => (
                    <select {...props} value={options.cover_clip_id} onChange={(e) => setOption({ cover_clip_id: e.target.value })}>
                      <option value="">A frame of the video</option>
                      {imageClips.map((clip) => <option key={clip.id} value={clip.id}>{clip.title || clip.filename}</option>)}
                    </select>
                  )}
                </Field>
                {!options.cover_clip_id && (
                  <Field label="Cover frame (seconds into the video)" hint="Empty: Instagram picks the first frame." error={errors.thumb_offset_ms}>
                    {(props) => <input {...props} type="number" min="0" step="0.1" value={options.cover_seconds} onChange={(e) => setOption({ cover_seconds: e.target.value })} />}
                  </Field>
                )}
                <label className="check"><input type="checkbox" checked={options.trial} onChange={(e) => setOption({ trial: e.target.checked })} /> Trial reel (shown to non-followers first)</label>
                {options.trial && (
                  <Field label="Trial graduation">
                    {(props) => (
                      <select {...props} value={options.trial_graduation} onChange={(e) => setOption({ trial_graduation: e.target.value as typeof options.trial_graduation })}>
                        <option value="MANUAL">I decide when it goes to followers</option>
                        <option value="SS_PERFORMANCE">Automatically if it performs well</option>
                      </select>
                    )}
                  </Field>
                )}
              </fieldset>
            )}
            {offers.collaborators && (
              <ChipInput label="Collaborators" values={collaborators} onChange={(next) => dispatch({ type: "collaborators", collaborators: next })} prefix="@" placeholder="username"
                hint="Up to 3 accounts invited to co-author the post." error={errors.collaborators} />
            )}
            {offers.positionedTags && (
              <UserTags tags={tags} setTags={setTags} pendingTag={pendingTag} setPendingTag={setPendingTag} error={errors.user_tags} />
            )}
            {offers.videoTags && (
              <ChipInput label="Tag people" values={tags.map((tag) => tag.username)} prefix="@" placeholder="username"
                hint="Tags on a video have no position." error={errors.user_tags}
                onChange={(names) => setTags(names.map((username) => ({ username })))} />
            )}
            <div className="grid grid-2">
              {offers.location && (
                <Field label="Location ID" hint="A Facebook Page ID with a location." error={errors.location_id}>
                  {(props) => <input {...props} value={options.location_id} onChange={(e) => setOption({ location_id: e.target.value })} />}
                </Field>
              )}
              {offers.altText && (
                <Field label="Alt text" hint="Instagram takes alt text on single images only." error={errors.alt_text}>
                  {(props) => <input {...props} value={options.alt_text} onChange={(e) => setOption({ alt_text: e.target.value })} />}
                </Field>
              )}
            </div>
            {offers.firstComment && (
              <Field label="First comment" hint="Posted right after publishing." error={errors.first_comment}>
                {(props) => <input {...props} value={options.first_comment} onChange={(e) => setOption({ first_comment: e.target.value })} />}
              </Field>
            )}
          </section>

          <section className="card stack">
            <fieldset>
              <legend>When</legend>
              <div className="segmented">
                <label><input type="radio" name="when" value="schedule" checked={when === "schedule"} onChange={() => dispatch({ type: "when", when: "schedule" })} /> Schedule</label>
                <label><input type="radio" name="when" value="now" checked={when === "now"} onChange={() => dispatch({ type: "when", when: "now" })} /> Publish now</label>
              </div>
            </fieldset>
            {when === "schedule" && (
              <Field label="Date and time" hint={`Your time zone: ${tz}`} error={errors.scheduled_for}>
                {(props) => <input {...props} type="datetime-local" step="1" value={scheduledAt} onChange={(e) => dispatch({ type: "scheduledAt", value: e.target.value })} />}
              </Field>
            )}
            <ErrorBox error={generalError} />
            <div className="row" style={{ justifyContent: "flex-end" }}>
              <button type="submit" className="btn btn-primary" disabled={create.isPending || publish.isPending}>
                <Icon name={when === "now" ? "send" : "clock"} />
                {when === "now" ? "Publish now" : "Schedule post"}
              </button>
            </div>
          </section>
        </div>
        <aside className="stack" style={{ position: "sticky", top: 20 }}>
          <h2>Preview</h2>
          <Preview account={previewAccount} mediaType={mediaType} clip={clips.find((c) => c.id === clipIds[0])}
            caption={caption} hashtags={hashtags} tags={tags} pendingTag={pendingTag} onPlaceTag={setPendingTag} />
        </aside>
      </form>
    </div>
  );
}
