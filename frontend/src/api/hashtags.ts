// TanStack Query helpers of hashtag research: the weekly search allowance, search, a hashtag's top or
// recent posts, saved hashtag groups.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  api, type HashtagEdge, type HashtagGroup, type HashtagGroupFields, type HashtagMediaPage, type HashtagQuota,
  type HashtagSearch, items, type Paged,
} from "./client.ts";

export function useHashtagQuota(accountId: number | null | undefined) {
  return useQuery({
    queryKey: ["hashtag-quota", accountId],
    queryFn: () => api.get<HashtagQuota>("/hashtags/quota", { account_id: accountId }),
    enabled: !!accountId,
    retry: false,
  });
}

export function useHashtagSearch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { account_id: number; hashtag: string }) => api.post<HashtagSearch>("/hashtags/search", body),
    onSuccess: (result) => client.setQueryData(["hashtag-quota", result.quota.account_id], result.quota),
  });
}

// The posts are read only once a search has found the hashtag (`hashtag` null until then).
export function useHashtagMedia(accountId: number | undefined, hashtag: string | null, edge: HashtagEdge) {
  return useQuery({
    queryKey: ["hashtag-media", accountId, hashtag, edge],
    queryFn: () => api.get<HashtagMediaPage>("/hashtags/media", { account_id: accountId, hashtag, edge, limit: 50 }),
    enabled: !!accountId && !!hashtag,
    retry: false,
    staleTime: 5 * 60_000,
  });
}

export function useHashtagGroups() {
  return useQuery({
    queryKey: ["hashtag-groups"],
    queryFn: () => api.get<Paged<HashtagGroup>>("/hashtags/groups").then(items),
  });
}

export function useHashtagGroupMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["hashtag-groups"] });
  return {
    create: useMutation({ mutationFn: (body: HashtagGroupFields) => api.post<HashtagGroup>("/hashtags/groups", body), onSuccess: refresh }),
    remove: useMutation({ mutationFn: (id: number) => api.del(`/hashtags/groups/${id}`), onSuccess: refresh }),
  };
}
