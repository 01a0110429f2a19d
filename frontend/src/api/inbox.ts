// TanStack Query helpers of the inbox: comments, conversations and messages, moderation rules.
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  api, type BulkRequest, type Comment, type Conversation, items, type Message, type Paged, type Query,
  type Rule, type RuleCreate, type Schemas,
} from "./client.ts";

// ---- inbox --------------------------------------------------------------------------------------
export function useComments(filters: Query = {}) {
  return useQuery({
    queryKey: ["comments", filters],
    queryFn: () => api.get<Paged<Comment>>("/instagram/comments", { limit: 100, ...filters }).then(items),
  });
}

export function useCommentMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["comments"] });
  return {
    reply: useMutation({
      mutationFn: ({ id, message }: { id: number; message: string }) => api.post<Comment>(`/instagram/comments/${id}/reply`, { message }),
      onSuccess: refresh,
    }),
    hide: useMutation({
      mutationFn: ({ id, hide }: { id: number; hide: boolean }) => api.post<Comment>(`/instagram/comments/${id}/hide`, { hide }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: ({ id }: { id: number }) => api.del(`/instagram/comments/${id}`),
      onSuccess: refresh,
    }),
    bulk: useMutation({ mutationFn: (data: BulkRequest) => api.post<Schemas["BulkResponse"]>("/instagram/comments/bulk", data), onSuccess: refresh }),
  };
}

export function useInboxSync() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (accountIds: number[]) =>
      Promise.all(accountIds.map((id) => api.post<Schemas["SyncRead"]>(`/instagram/accounts/${id}/inbox/sync`))),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ["comments"] });
      client.invalidateQueries({ queryKey: ["conversations"] });
    },
  });
}

export function useConversations(accountId?: number) {
  return useQuery({
    queryKey: ["conversations", accountId ?? "all"],
    queryFn: () => api.get<Paged<Conversation>>("/instagram/conversations", { account_id: accountId }).then(items),
  });
}

export function useMessages(conversationId: number | null | undefined) {
  return useQuery({
    queryKey: ["messages", conversationId],
    queryFn: () => api.get<Paged<Message>>(`/instagram/conversations/${conversationId}/messages`, { limit: 100 }).then(items),
    enabled: !!conversationId,
  });
}

export function useSendMessage(conversationId: number | null | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => api.post<Message>(`/instagram/conversations/${conversationId}/messages`, { text }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ["messages", conversationId] });
      client.invalidateQueries({ queryKey: ["conversations"] });
    },
  });
}

export function useModerationRules(accountId: number | null | undefined) {
  return useQuery({
    queryKey: ["moderation-rules", accountId],
    queryFn: () => api.get<Paged<Rule>>(`/instagram/accounts/${accountId}/moderation-rules`).then(items),
    enabled: !!accountId,
  });
}

function setRuleEnabled(client: QueryClient, accountId: number | null | undefined, id: number, enabled: boolean) {
  client.setQueryData<Rule[]>(["moderation-rules", accountId], (rules) =>
    rules?.map((rule) => (rule.id === id ? { ...rule, enabled } : rule)),
  );
}

export function useModerationMutations(accountId: number | null | undefined) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["moderation-rules", accountId] });
  const base = `/instagram/accounts/${accountId}/moderation-rules`;
  return {
    create: useMutation({ mutationFn: (rule: RuleCreate) => api.post<Rule>(base, rule), onSuccess: refresh }),
    // The checkbox follows the click at once, rule by rule (several toggles may be on their way); a
    // refusal puts that rule back, and the list refetches once the change is settled.
    toggle: useMutation({
      mutationFn: ({ id, enabled }: { id: number; enabled: boolean }) => api.patch<Rule>(`${base}/${id}`, { enabled }),
      onMutate: async ({ id, enabled }) => {
        await client.cancelQueries({ queryKey: ["moderation-rules", accountId] });
        setRuleEnabled(client, accountId, id, enabled);
      },
      onError: (_error, { id, enabled }) => setRuleEnabled(client, accountId, id, !enabled),
      onSettled: refresh,
    }),
    remove: useMutation({ mutationFn: (id: number) => api.del(`${base}/${id}`), onSuccess: refresh }),
  };
}
