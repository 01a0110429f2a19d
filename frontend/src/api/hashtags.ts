// TanStack Query helpers of hashtag research: the weekly search allowance, search, a hashtag's top or
// recent posts, saved hashtag groups, and how our own posts' hashtags performed.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  API, api, type HashtagEdge, type HashtagGroup, type HashtagGroupFields, type HashtagMediaPage, type HashtagQuota,
  type HashtagPerformanceReport, type HashtagPerformanceSort, type HashtagSearch, items, type Paged,
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
    // Refetched rather than taken from the answer: the quota read also merges Instagram's own list.
    onSuccess: (result) => client.invalidateQueries({ queryKey: ["hashtag-quota", result.quota.account_id] }),
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

export type PerformanceFilters = { account_id?: number; since?: string; until?: string; sort: HashtagPerformanceSort };

const performanceQuery = (filters: PerformanceFilters) =>
  new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== undefined && value !== "").map(([key, value]) => [key, String(value)]));

export function useHashtagPerformance(filters: PerformanceFilters) {
  return useQuery({
    queryKey: ["hashtag-performance", filters],
    queryFn: () => api.get<HashtagPerformanceReport>("/hashtags/performance", filters),
    retry: false,
  });
}

export const hashtagPerformanceCsvUrl = (filters: PerformanceFilters) => `${API}/hashtags/performance.csv?${performanceQuery(filters)}`;
