import { describe, expect, it } from "vitest";
import { AUTH_ENDED, LIVE_EVENT_TYPES, affectedQueries, everyAffectedQuery, parseEvent } from "./routing.ts";

describe("parseEvent", () => {
  it("reads an event the server sends, with its JSON data", () => {
    expect(parseEvent("post.status", '{"id": 7, "status": "published"}')).toEqual({
      type: "post.status",
      data: { id: 7, status: "published" },
    });
  });

  it("ignores names the server never sends", () => {
    for (const name of ["post.published", "comment.new", "clip.updated", "message.new", "unknown"]) {
      expect(parseEvent(name, "{}")).toBeNull();
    }
  });

  it("ignores data that is not a JSON object", () => {
    expect(parseEvent("comment.created", "not json")).toBeNull();
    expect(parseEvent("comment.created", "[1, 2]")).toBeNull();
    expect(parseEvent("comment.created", "null")).toBeNull();
  });

  it("leaves auth.ended to its own listener", () => {
    expect(parseEvent(AUTH_ENDED, "{}")).toBeNull();
  });
});

describe("affected queries", () => {
  it("listens for exactly the events the server publishes", () => {
    expect([...LIVE_EVENT_TYPES].sort()).toEqual([
      "account.updated",
      "comment.created",
      "comment.updated",
      "conversation.updated",
      "mention.created",
      "message.created",
      "post.status",
    ]);
  });

  it("refreshes a post's lists and the media insights when its status changes", () => {
    const event = parseEvent("post.status", '{"id": 1}');
    expect(event && affectedQueries(event)).toEqual([["posts"], ["media-insights"]]);
  });

  it("refreshes conversations and messages on a new message", () => {
    const event = parseEvent("message.created", '{"id": 1}');
    expect(event && affectedQueries(event)).toEqual([["conversations"], ["messages"]]);
  });

  it("catches up on each family once after a reconnect", () => {
    expect(everyAffectedQuery()).toEqual([["posts"], ["media-insights"], ["comments"], ["conversations"], ["messages"], ["accounts"]]);
  });
});
