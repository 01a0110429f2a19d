import { describe, expect, it } from "vitest";
import type { Clip, ComposerLimits } from "../../api.ts";
import { ApiError } from "../../errors.ts";
import {
  type ComposerState,
  composerReducer,
  countCaption,
  fieldMessages,
  formProblems,
  hasUnshownReason,
  initialComposerState,
  postBody,
} from "./state.ts";

const NOW = new Date("2026-03-01T12:00:00");
// What GET /social/limits answers; small numbers so a test shows the page follows them, not its own.
const LIMITS: ComposerLimits = {
  caption_characters: 12,
  hashtags: 3,
  mentions: 2,
  collaborators: 3,
  alt_text_characters: 100,
  carousel_min: 2,
  carousel_max: 4,
  schedule_grace_seconds: 60,
};

function state(...actions: Parameters<typeof composerReducer>[1][]): ComposerState {
  return actions.reduce(composerReducer, initialComposerState(NOW));
}

function clip(id: number, fits: boolean): Clip {
  const verdict = { ok: fits, reasons: fits ? [] : ["the width is 1081 px"] };
  return {
    id,
    title: `clip ${id}`,
    filename: `clip-${id}.jpg`,
    qualification: { IMAGE: verdict, REELS: verdict, STORIES: verdict, CAROUSEL_ITEM: verdict },
  } as unknown as Clip;
}

describe("composerReducer", () => {
  it("starts as a reel scheduled an hour ahead", () => {
    const initial = initialComposerState(NOW);
    expect(initial.mediaType).toBe("REELS");
    expect(initial.when).toBe("schedule");
    expect(initial.scheduledAt).toBe("2026-03-01T13:00:00");
  });

  it("starts the clips and tags over when the media type changes", () => {
    const next = state(
      { type: "clips", ids: [1] },
      { type: "tags", tags: [{ username: "ann", x: 0.1, y: 0.2 }] },
      { type: "pendingTag", point: { x: 0.5, y: 0.5 } },
      { type: "caption", caption: "kept" },
      { type: "mediaType", mediaType: "IMAGE" },
    );
    expect(next).toMatchObject({ mediaType: "IMAGE", clipIds: [], tags: [], pendingTag: null, caption: "kept" });
  });

  it("changes one option and keeps the others", () => {
    const next = state({ type: "option", patch: { alt_text: "A pier" } });
    expect(next.options.alt_text).toBe("A pier");
    expect(next.options.share_to_feed).toBe(true);
  });
});

describe("postBody", () => {
  it("sends one account's image with only the options an image takes", () => {
    const draft = state(
      { type: "mediaType", mediaType: "IMAGE" },
      { type: "clips", ids: [4] },
      { type: "option", patch: { alt_text: "A pier", cover_seconds: "2" } },
    );
    const body = postBody(draft, [9]);
    expect(body).toMatchObject({ account_id: 9, clip_id: 4, media_type: "IMAGE" });
    expect(body.options).toMatchObject({ alt_text: "A pier", thumb_offset_ms: undefined, share_to_feed: undefined });
    expect(body.scheduled_for).toBe(new Date("2026-03-01T13:00:00").toISOString());
    expect(body.publish_now).toBe(false);
  });

  it("sends a carousel's clips in order to several accounts, to publish now", () => {
    const draft = state(
      { type: "mediaType", mediaType: "CAROUSEL" },
      { type: "clips", ids: [3, 1, 2] },
      { type: "when", when: "now" },
    );
    expect(postBody(draft, [1, 2])).toMatchObject({
      account_ids: [1, 2],
      clip_ids: [3, 1, 2],
      scheduled_for: null,
      publish_now: true,
    });
  });

  it("asks for the queue's next slot instead of a time", () => {
    const draft = state({ type: "clips", ids: [1] }, { type: "when", when: "queue" });
    const body = postBody(draft, [7]);
    expect(body).toMatchObject({ account_id: 7, add_to_queue: true, scheduled_for: null, publish_now: false });
    expect(postBody(state({ type: "clips", ids: [1] }), [7])).not.toHaveProperty("add_to_queue");
  });

  it("turns a reel's cover frame into milliseconds", () => {
    const draft = state({ type: "clips", ids: [1] }, { type: "option", patch: { cover_seconds: "1.25" } });
    expect(postBody(draft, [1]).options?.thumb_offset_ms).toBe(1250);
  });
});

describe("formProblems", () => {
  it("asks for an account and a clip", () => {
    expect(formProblems(state(), [], [], LIMITS, NOW.getTime())).toEqual({
      account_ids: "Choose at least one account.",
      clip_id: "Pick a clip.",
    });
  });

  it("names a chosen clip the server says does not fit", () => {
    const draft = state({ type: "mediaType", mediaType: "IMAGE" }, { type: "clips", ids: [2] });
    expect(formProblems(draft, [1], [clip(2, false)], LIMITS, NOW.getTime()).clip_id).toBe(
      "clip 2 is not ready for this media type: the width is 1081 px. Conform it on the Clips page.",
    );
    expect(formProblems(draft, [1], [clip(2, true)], LIMITS, NOW.getTime())).toEqual({});
  });

  it("lets a time that just passed through and refuses an older one", () => {
    const justPassed = state({ type: "clips", ids: [1] }, { type: "scheduledAt", value: "2026-03-01T11:59:30" });
    expect(formProblems(justPassed, [1], [], LIMITS, NOW.getTime())).toEqual({});
    const older = state({ type: "clips", ids: [1] }, { type: "scheduledAt", value: "2026-03-01T11:55:00" });
    expect(formProblems(older, [1], [], LIMITS, NOW.getTime())).toEqual({ scheduled_for: "Pick a time in the future." });
  });

  it("holds the caption to the server's character limit", () => {
    const long = state({ type: "clips", ids: [1] }, { type: "caption", caption: "thirteen char" });
    expect(formProblems(long, [1], [], LIMITS, NOW.getTime())).toEqual({ caption: "Instagram allows 12 characters." });
    const fits = state({ type: "clips", ids: [1] }, { type: "caption", caption: "twelve chars" });
    expect(formProblems(fits, [1], [], LIMITS, NOW.getTime())).toEqual({});
  });

  it("allows the server's grace for a time that just passed", () => {
    const twoMinutesAgo = state({ type: "clips", ids: [1] }, { type: "scheduledAt", value: "2026-03-01T11:58:00" });
    expect(formProblems(twoMinutesAgo, [1], [], LIMITS, NOW.getTime())).toEqual({ scheduled_for: "Pick a time in the future." });
    const longer = { ...LIMITS, schedule_grace_seconds: 180 };
    expect(formProblems(twoMinutesAgo, [1], [], longer, NOW.getTime())).toEqual({});
  });

  it("leaves hashtag counts and carousel sizes to the server", () => {
    const draft = state(
      { type: "mediaType", mediaType: "CAROUSEL" },
      { type: "clips", ids: [1] },
      { type: "hashtags", hashtags: Array.from({ length: 31 }, (_, n) => `tag${n}`) },
    );
    // Room for the hashtags' characters: only their count is over.
    expect(formProblems(draft, [1], [], { ...LIMITS, caption_characters: 1000 }, NOW.getTime())).toEqual({});
  });
});

describe("the server's answer", () => {
  const refusal = new ApiError(422, {
    error: "PostInvalid",
    detail: "The post cannot be published as asked",
    reasons: ["at most 3 collaborators can be invited", "too long", "the account cannot publish"],
    fields: [
      { field: "options.collaborators", message: "at most 3 collaborators can be invited" },
      { field: "caption", message: "too long" },
    ],
  });

  it("shows each reason by its field, by the field's last segment", () => {
    expect(fieldMessages(refusal)).toEqual({ collaborators: "at most 3 collaborators can be invited", caption: "too long" });
  });

  it("joins several reasons about one field", () => {
    const twice = new ApiError(422, { fields: [{ field: "caption", message: "a" }, { field: "caption", message: "b" }] });
    expect(fieldMessages(twice)).toEqual({ caption: "a; b" });
  });

  it("keeps a reason about the whole post above the button", () => {
    expect(hasUnshownReason(refusal, state())).toBe(true);
    const fieldsOnly = new ApiError(422, { reasons: ["too long"], fields: [{ field: "caption", message: "too long" }] });
    expect(hasUnshownReason(fieldsOnly, state())).toBe(false);
    expect(hasUnshownReason(null, state())).toBe(false);
  });

  it("keeps a reason about a field this media type does not show", () => {
    const altText = new ApiError(422, { reasons: ["x"], fields: [{ field: "options.alt_text", message: "x" }] });
    expect(hasUnshownReason(altText, state())).toBe(true);
    expect(hasUnshownReason(altText, state({ type: "mediaType", mediaType: "IMAGE" }))).toBe(false);
  });
});

describe("countCaption", () => {
  it("counts the hashtags list into the caption", () => {
    expect(countCaption("Hello @ann #sea", ["sun", "sky"])).toEqual({ characters: 25, hashtags: 3, mentions: 1 });
  });
});
