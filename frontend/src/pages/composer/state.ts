// The composer's whole form as one reducer, and the pure steps around it: the request body it sends,
// the few checks the page makes before sending, and the server's field errors by field.
import type { Clip, ComposerLimits, MediaType, PostCreate, PostOptions, UserTag } from "../../api.ts";
import { ApiError, lastSegment } from "../../errors.ts";
import { toLocalInput } from "../../components/format.ts";

// What the server accepts (GET /social/limits, from its own validation): shown by the caption's live
// counter and the carousel picker. The server's reasons stay the verdict on a post.
export type Limits = ComposerLimits;

// The caption counter's limit for each count of countCaption.
export function captionLimits(limits: Limits): Record<keyof ReturnType<typeof countCaption>, number> {
  return { characters: limits.caption_characters, hashtags: limits.hashtags, mentions: limits.mentions };
}

export const QUALIFY_AS = { REELS: "REELS", IMAGE: "IMAGE", STORIES: "STORIES", CAROUSEL: "CAROUSEL_ITEM" } as const;

export type Point = { x: number; y: number };
export type Tag = UserTag;
export type When = "schedule" | "now" | "queue";

export type Options = {
  share_to_feed: boolean;
  alt_text: string;
  location_id: string;
  first_comment: string;
  trial: boolean;
  trial_graduation: "MANUAL" | "SS_PERFORMANCE";
  cover_clip_id: string;
  cover_seconds: string;
};

export type ComposerState = {
  // null until the user ticks or unticks one: a single connected account is then chosen by default.
  accountIds: number[] | null;
  mediaType: MediaType;
  clipIds: number[];
  caption: string;
  hashtags: string[];
  collaborators: string[];
  tags: Tag[];
  pendingTag: Point | null;
  options: Options;
  when: When;
  scheduledAt: string;
  // The page's own findings at the last submit, by field.
  problems: Record<string, string>;
};

export type ComposerAction =
  | { type: "accounts"; ids: number[] }
  | { type: "mediaType"; mediaType: MediaType }
  | { type: "clips"; ids: number[] }
  | { type: "caption"; caption: string }
  | { type: "hashtags"; hashtags: string[] }
  | { type: "collaborators"; collaborators: string[] }
  | { type: "tags"; tags: Tag[] }
  | { type: "pendingTag"; point: Point | null }
  | { type: "option"; patch: Partial<Options> }
  | { type: "when"; when: When }
  | { type: "scheduledAt"; value: string }
  | { type: "problems"; problems: Record<string, string> };

export function initialComposerState(now: Date = new Date()): ComposerState {
  return {
    accountIds: null,
    mediaType: "REELS",
    clipIds: [],
    caption: "",
    hashtags: [],
    collaborators: [],
    tags: [],
    pendingTag: null,
    options: {
      share_to_feed: true,
      alt_text: "",
      location_id: "",
      first_comment: "",
      trial: false,
      trial_graduation: "MANUAL",
      cover_clip_id: "",
      cover_seconds: "",
    },
    when: "schedule",
    scheduledAt: toLocalInput(new Date(now.getTime() + 3600_000)),
    problems: {},
  };
}

export function composerReducer(state: ComposerState, action: ComposerAction): ComposerState {
  switch (action.type) {
    case "accounts":
      return { ...state, accountIds: action.ids };
    case "mediaType":
      // Clips and tags chosen for one type rarely fit another: start those over.
      return { ...state, mediaType: action.mediaType, clipIds: [], tags: [], pendingTag: null };
    case "clips":
      return { ...state, clipIds: action.ids };
    case "caption":
      return { ...state, caption: action.caption };
    case "hashtags":
      return { ...state, hashtags: action.hashtags };
    case "collaborators":
      return { ...state, collaborators: action.collaborators };
    case "tags":
      return { ...state, tags: action.tags };
    case "pendingTag":
      return { ...state, pendingTag: action.point };
    case "option":
      return { ...state, options: { ...state.options, ...action.patch } };
    case "when":
      return { ...state, when: action.when };
    case "scheduledAt":
      return { ...state, scheduledAt: action.value };
    case "problems":
      return { ...state, problems: action.problems };
  }
}

// The options a media type offers: the form renders exactly these inputs and sends exactly these options.
export type Offers = {
  reel: boolean;
  collaborators: boolean;
  positionedTags: boolean;
  videoTags: boolean;
  location: boolean;
  altText: boolean;
  firstComment: boolean;
};

export function offeredOptions(mediaType: MediaType): Offers {
  const story = mediaType === "STORIES";
  return {
    reel: mediaType === "REELS", // share to feed, cover, trial
    collaborators: !story,
    positionedTags: mediaType === "IMAGE",
    videoTags: mediaType === "REELS" || story,
    location: !story,
    altText: mediaType === "IMAGE",
    firstComment: !story,
  };
}

// The accounts the post goes to: the ticked ones, or the only connected one until the user chooses.
export function chosenAccounts(state: ComposerState, connected: readonly { id: number }[]): number[] {
  return state.accountIds ?? (connected.length === 1 ? [connected[0].id] : []);
}

export function countCaption(caption: string, hashtags: readonly string[]) {
  const text = `${caption} ${hashtags.map((tag) => `#${tag}`).join(" ")}`;
  return {
    characters: [...caption].length + hashtags.reduce((n, tag) => n + tag.length + 2, 0),
    hashtags: (text.match(/(^|\s)#[\p{L}\p{N}_]+/gu) || []).length,
    mentions: (text.match(/(^|\s)@[\w.]+/g) || []).length,
  };
}

export function postOptions(state: ComposerState): PostOptions {
  const offers = offeredOptions(state.mediaType);
  const { options, collaborators, tags } = state;
  const reel = offers.reel;
  return {
    share_to_feed: reel ? options.share_to_feed : undefined,
    collaborators: offers.collaborators && collaborators.length ? collaborators : undefined,
    user_tags: (offers.positionedTags || offers.videoTags) && tags.length ? tags : undefined,
    location_id: (offers.location && options.location_id) || undefined,
    alt_text: (offers.altText && options.alt_text) || undefined,
    first_comment: (offers.firstComment && options.first_comment) || undefined,
    trial_graduation: reel && options.trial ? options.trial_graduation : undefined,
    cover_clip_id: reel && options.cover_clip_id ? Number(options.cover_clip_id) : undefined,
    thumb_offset_ms:
      reel && !options.cover_clip_id && options.cover_seconds !== ""
        ? Math.round(Number(options.cover_seconds) * 1000)
        : undefined,
  };
}

// The time the post is scheduled for, or null to publish now.
export function scheduledTime(state: ComposerState): Date | null {
  return state.when === "schedule" ? new Date(state.scheduledAt) : null;
}

export function postBody(state: ComposerState, accounts: readonly number[]): PostCreate {
  const scheduled = scheduledTime(state);
  return {
    platform: "instagram",
    media_type: state.mediaType,
    caption: state.caption,
    hashtags: state.hashtags,
    scheduled_for: scheduled ? scheduled.toISOString() : null,
    // Created and queued in one request: a refusal leaves no draft behind.
    publish_now: state.when === "now",
    // Given the account's next free queue slot by the server, in the same request.
    ...(state.when === "queue" ? { add_to_queue: true } : {}),
    options: postOptions(state),
    ...(state.mediaType === "CAROUSEL" ? { clip_ids: state.clipIds } : { clip_id: state.clipIds[0] }),
    ...(accounts.length === 1 ? { account_id: accounts[0] } : { account_ids: [...accounts] }),
  };
}

// What the page finds before sending: the form is incomplete (no account, no clip), a chosen clip is
// one the server already says does not fit, the caption is over the counter's limit, or the time has
// passed. Everything else (carousel size, option values, hashtag and mention counts) is the server's to
// say, and its reasons show by their fields.
export function formProblems(
  state: ComposerState,
  accounts: readonly number[],
  clips: readonly Clip[],
  limits: Limits,
  now: number = Date.now(),
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!accounts.length) problems.account_ids = "Choose at least one account.";
  if (!state.clipIds.length) problems.clip_id = "Pick a clip.";
  const qualifyAs = QUALIFY_AS[state.mediaType];
  const unfit = clips.find((clip) => state.clipIds.includes(clip.id) && clip.qualification?.[qualifyAs]?.ok === false);
  if (unfit) {
    const reasons = unfit.qualification?.[qualifyAs]?.reasons ?? [];
    problems.clip_id = `${unfit.title || unfit.filename} is not ready for this media type: ${reasons.join("; ")}. Conform it on the Clips page.`;
  }
  if (countCaption(state.caption, state.hashtags).characters > limits.caption_characters) {
    problems.caption = `Instagram allows ${limits.caption_characters} characters.`;
  }
  // A time that passed while the user was submitting is "due now", within the server's grace.
  const scheduled = scheduledTime(state);
  const grace = limits.schedule_grace_seconds * 1000;
  if (scheduled && !(scheduled.getTime() > now - grace)) problems.scheduled_for = "Pick a time in the future.";
  return problems;
}

// The server's field errors by last path segment, several reasons about one field joined (ApiError.fields
// keeps only the last).
export function fieldMessages(error: unknown): Record<string, string> {
  const messages: Record<string, string> = {};
  if (!(error instanceof ApiError)) return messages;
  (error.body.fields || []).forEach(({ field, message }) => {
    if (!field) return;
    const name = lastSegment(field);
    messages[name] = messages[name] ? `${messages[name]}; ${message}` : message;
  });
  return messages;
}

// The fields this form shows an error next to (ApiError.fields keys are the last path segment).
export function shownFields(state: ComposerState): Set<string> {
  const offers = offeredOptions(state.mediaType);
  const fields = ["account_id", "account_ids", "clip_id", "clip_ids", "caption", "hashtags"];
  if (offers.collaborators) fields.push("collaborators");
  if (offers.positionedTags || offers.videoTags) fields.push("user_tags");
  if (offers.location) fields.push("location_id");
  if (offers.altText) fields.push("alt_text");
  if (offers.firstComment) fields.push("first_comment");
  if (offers.reel) fields.push("cover_clip_id", ...(state.options.cover_clip_id ? [] : ["thumb_offset_ms"]));
  if (state.when === "schedule") fields.push("scheduled_for");
  return new Set(fields);
}

// Does the server's answer say something this form cannot show by a field (a field it does not render,
// or a reason about the whole post)? Then it stays visible above the submit button.
export function hasUnshownReason(error: unknown, state: ComposerState): boolean {
  if (!error) return false;
  if (!(error instanceof ApiError)) return true;
  const fields = fieldMessages(error);
  if (!Object.keys(fields).length) return true;
  const shown = shownFields(state);
  return (
    Object.keys(fields).some((name) => !shown.has(name)) ||
    (error.body.reasons?.length || 0) > (error.body.fields?.length || 0)
  );
}
