// Which cached queries each server event makes stale. The names are exactly those the server publishes
// (`publish_event` in src/clipper): a post's status, the inbox's comments, conversations, messages and
// mentions, an account's state; `auth.ended` closes the stream instead (see events.ts).
import type { QueryKey } from "@tanstack/react-query";

export const AUTH_ENDED = "auth.ended";

export const AFFECTS = {
  "post.status": [["posts"], ["media-insights"]],
  "comment.created": [["comments"]],
  "comment.updated": [["comments"]],
  "mention.created": [["comments"]],
  "message.created": [["conversations"], ["messages"]],
  "conversation.updated": [["conversations"]],
  "account.updated": [["accounts"]],
} as const satisfies Record<string, readonly QueryKey[]>;

export type LiveEventType = keyof typeof AFFECTS;
export const LIVE_EVENT_TYPES = Object.keys(AFFECTS) as LiveEventType[];

export type LiveEvent = { type: LiveEventType; data: Record<string, unknown> };

export function isLiveEventType(type: string): type is LiveEventType {
  return Object.hasOwn(AFFECTS, type);
}

// An SSE message as a typed event; null for a name the server does not send or data that is not a JSON
// object (the stream's payloads always are).
export function parseEvent(type: string, raw: string): LiveEvent | null {
  if (!isLiveEventType(type)) return null;
  try {
    const data: unknown = JSON.parse(raw);
    if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
    return { type, data: data as Record<string, unknown> };
  } catch {
    return null;
  }
}

export function affectedQueries(event: LiveEvent): readonly QueryKey[] {
  return AFFECTS[event.type];
}

// Everything a reconnect must catch up on (events sent while the stream was down never arrive): each
// affected query family once.
export function everyAffectedQuery(): QueryKey[] {
  const families = new Set(Object.values(AFFECTS).flatMap((keys) => keys.map((key) => key[0])));
  return [...families].map((family) => [family]);
}
