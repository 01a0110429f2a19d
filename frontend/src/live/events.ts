// Live updates: one EventSource on GET /api/v1/events; each event refreshes the queries it affects.
import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { API } from "../api.ts";
import { AUTH_ENDED, LIVE_EVENT_TYPES, affectedQueries, everyAffectedQuery, parseEvent } from "./routing.ts";

export function useLiveEvents(enabled: boolean): boolean {
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return undefined;
    const source = new EventSource(`${API}/events`, { withCredentials: true });
    const refresh = (message: MessageEvent<string>) => {
      const event = parseEvent(message.type, message.data);
      if (!event) return;
      affectedQueries(event).forEach((queryKey) => client.invalidateQueries({ queryKey }));
    };
    LIVE_EVENT_TYPES.forEach((type) => source.addEventListener(type, refresh));
    // This browser's session ended elsewhere (signed out from the Security page, password changed):
    // stop reconnecting and let the sign-in check send us to the login page.
    source.addEventListener(AUTH_ENDED, () => {
      source.close();
      setConnected(false);
      client.invalidateQueries({ queryKey: ["me"] });
    });
    source.onopen = () => {
      setConnected(true);
      everyAffectedQuery().forEach((queryKey) => client.invalidateQueries({ queryKey }));
    };
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    return () => {
      source.close();
      setConnected(false);
    };
  }, [enabled, client]);
  return connected;
}
