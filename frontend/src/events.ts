// Live updates: one EventSource on GET /api/v1/events; each event refreshes the queries it affects.
import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { API } from "./api.ts";

const AFFECTS = {
  post: [["posts"], ["media-insights"]],
  comment: [["comments"]],
  message: [["conversations"], ["messages"]],
  conversation: [["conversations"]],
  clip: [["clips"]],
  account: [["accounts"]],
};

export function useLiveEvents(enabled) {
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return undefined;
    const source = new EventSource(`${API}/events`, { withCredentials: true });
    const refresh = (event) => {
      const family = (event.type || "").split(/[._]/)[0];
      (AFFECTS[family] || [["posts"], ["comments"], ["conversations"]]).forEach((queryKey) =>
        client.invalidateQueries({ queryKey }),
      );
      window.dispatchEvent(new CustomEvent("clipper:event", { detail: { type: event.type, data: event.data } }));
    };
    const types = [
      "post.status", "post.published", "post.failed", "post.updated",
      "comment.created", "comment.new", "comment.updated",
      "message.created", "message.new", "conversation.updated", "clip.updated", "clip.job", "account.updated",
    ];
    types.forEach((type) => source.addEventListener(type, refresh));
    // This browser's session ended elsewhere (signed out from the Security page, password changed):
    // stop reconnecting and let the sign-in check send us to the login page.
    source.addEventListener("auth.ended", () => {
      source.close();
      setConnected(false);
      client.invalidateQueries({ queryKey: ["me"] });
    });
    source.onmessage = refresh;
    // Events sent while the stream was (re)connecting never reach it: catch up on everything live.
    source.onopen = () => {
      setConnected(true);
      new Set(Object.values(AFFECTS).flat().map((key) => key[0])).forEach((family) =>
        client.invalidateQueries({ queryKey: [family] }),
      );
    };
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    return () => {
      source.close();
      setConnected(false);
    };
  }, [enabled, client]);
  return connected;
}
