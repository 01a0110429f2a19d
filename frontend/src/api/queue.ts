// TanStack Query helpers of the posting queue: an account's slots, queued posts, suggestions, order, pause.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "./client.ts";

export type QueueView = Schemas["QueueRead"];
export type QueueSlot = Schemas["SlotIn"];
export type QueuedPost = Schemas["QueuedPost"];
export type Suggestions = Schemas["SuggestionsRead"];

const path = (accountId: number) => `/accounts/${accountId}/queue`;

export function useQueue(accountId: number | null | undefined) {
  return useQuery({
    queryKey: ["queue", accountId],
    queryFn: () => api.get<QueueView>(path(accountId!)),
    enabled: !!accountId,
  });
}

// Fetched only when asked for (they cost calls to Meta): `refetch()` loads them.
export function useQueueSuggestions(accountId: number | null | undefined, perDay = 2) {
  return useQuery({
    queryKey: ["queue-suggestions", accountId, perDay],
    queryFn: () => api.get<Suggestions>(`${path(accountId!)}/suggestions`, { per_day: perDay }),
    enabled: false,
    retry: false,
  });
}

export function useQueueMutations(accountId: number | null | undefined) {
  const client = useQueryClient();
  // The answer is the queue itself: show it at once; posts' times changed too.
  const done = (view: QueueView) => {
    client.setQueryData(["queue", accountId], view);
    void client.invalidateQueries({ queryKey: ["posts"] });
  };
  const base = () => path(accountId!);
  return {
    setSlots: useMutation({
      mutationFn: (body: { timezone: string; slots: QueueSlot[] }) => api.put<QueueView>(`${base()}/slots`, body),
      onSuccess: done,
    }),
    reorder: useMutation({
      mutationFn: (postIds: number[]) => api.put<QueueView>(`${base()}/order`, { post_ids: postIds }),
      onSuccess: done,
    }),
    pause: useMutation({ mutationFn: () => api.post<QueueView>(`${base()}/pause`), onSuccess: done }),
    resume: useMutation({ mutationFn: () => api.post<QueueView>(`${base()}/resume`), onSuccess: done }),
  };
}
