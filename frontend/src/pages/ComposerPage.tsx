import { type FormEvent, useMemo, useReducer } from "react";
import { Link, useNavigate } from "react-router-dom";
import { type MediaType, profilePicture, useActiveAccounts, useClips, useComposerLimits, usePostMutations } from "../api.ts";
import { ChipInput } from "../components/ChipInput.tsx";
import { Icon } from "../components/icons.tsx";
import { Avatar, ErrorBox, Field, PageHeader, Spinner, userTimeZone } from "../components/ui.tsx";
import { ClipPicker } from "./composer/ClipPicker.tsx";
import { GroupInsert } from "./composer/GroupInsert.tsx";
import { Preview } from "./composer/Preview.tsx";
import { UserTags } from "./composer/UserTags.tsx";
import {
  type Limits,
  type Point,
  type Tag,
  type When,
  captionLimits,
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


const SUBMIT: Record<When, { label: string; icon: "send" | "clock" | "list" }> = {
  schedule: { label: "Schedule post", icon: "clock" },
  queue: { label: "Add to queue", icon: "list" },
  now: { label: "Publish now", icon: "send" },
};

type Counts = ReturnType<typeof countCaption>;

function Counters({ counts, limits }: { counts: Counts; limits: Limits }) {
  const max = captionLimits(limits);
  const item = (key: keyof Counts, label: string) => {
    const over = counts[key] > max[key];
    return (
      <span className={over ? "over" : undefined}>
        {counts[key]} / {max[key]} {label}
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

export default function ComposerPage() {
  const navigate = useNavigate();
  const { data: accounts } = useActiveAccounts();
  const { data: allClips } = useClips();
  const { data: limits, error: limitsError } = useComposerLimits();
  const { create } = usePostMutations();
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

  const header = <PageHeader title="Compose" subtitle="Create a post for one or several accounts, then publish it now or schedule it." />;
  if (!limits) {
    return (
      <div className="page">
        {header}
        {limitsError ? <ErrorBox error={limitsError} /> : <Spinner label="Loading the composer" />}
      </div>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = formProblems(state, chosen, clips, limits);
    dispatch({ type: "problems", problems });
    if (Object.keys(problems).length) return;
    // One request creates the posts and, to publish now, queues them: nothing is left half done.
    create.mutate(postBody(state, chosen), {
      onSuccess: (result) => {
        const posts = "items" in result ? result.items : [result];
        if (when === "queue") navigate(`/queue?account=${posts[0].account_id}`);
        else navigate(posts.length === 1 ? `/posts/${posts[0].id}` : "/calendar");
      },
    });
  };

  const generalError = hasUnshownReason(create.error, state) ? create.error : null;
  const imageClips = clips.filter((clip) => clip.kind === "image");

  return (
    <div className="page">
      {header}
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
              <legend>{mediaType === "CAROUSEL" ? `Clips (${limits.carousel_min} to ${limits.carousel_max})` : "Clip"}</legend>
              {clips.length ? (
                <ClipPicker clips={clips} mediaType={mediaType} carouselMax={limits.carousel_max} selected={clipIds} onChange={(ids) => dispatch({ type: "clips", ids })} />
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
            <GroupInsert caption={caption} onCaption={(next) => dispatch({ type: "caption", caption: next })} />
            <Counters counts={counts} limits={limits} />
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
                hint={`Up to ${limits.collaborators} accounts invited to co-author the post.`} error={errors.collaborators} />
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
                <label><input type="radio" name="when" value="queue" checked={when === "queue"} onChange={() => dispatch({ type: "when", when: "queue" })} /> Add to queue</label>
                <label><input type="radio" name="when" value="now" checked={when === "now"} onChange={() => dispatch({ type: "when", when: "now" })} /> Publish now</label>
              </div>
            </fieldset>
            {when === "queue" && (
              <p className="muted">Each account's next free slot on its <Link to="/queue">queue</Link>, after its queued posts.</p>
            )}
            {when === "schedule" && (
              <Field label="Date and time" hint={`Your time zone: ${tz}`} error={errors.scheduled_for}>
                {(props) => <input {...props} type="datetime-local" step="1" value={scheduledAt} onChange={(e) => dispatch({ type: "scheduledAt", value: e.target.value })} />}
              </Field>
            )}
            <ErrorBox error={generalError} />
            <div className="row" style={{ justifyContent: "flex-end" }}>
              <button type="submit" className="btn btn-primary" disabled={create.isPending}>
                <Icon name={SUBMIT[when].icon} />
                {SUBMIT[when].label}
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
