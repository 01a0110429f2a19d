// TanStack Query helpers of the analytics: account insights, best times, audience, media insights.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import {
  type AccountInsights, API, api, type Audience, type BestTimes, type MediaInsightsPage,
  type OnlineFollowers, type Query,
} from "./client.ts";

// ---- insights -----------------------------------------------------------------------------------
// Every metric comes by day (views and interactions included), so one request draws a whole chart.
export function useAccountInsights(accountId: number | null | undefined, params: Query = {}) {
  return useQuery({
    queryKey: ["insights", accountId, params],
    queryFn: () => api.get<AccountInsights>(`/instagram/accounts/${accountId}/insights`, params),
    enabled: !!accountId,
  });
}

export function useBestTimes(accountId: number | null | undefined, tz: string) {
  return useQuery({
    queryKey: ["best-times", accountId, tz],
    queryFn: () => api.get<BestTimes>(`/instagram/accounts/${accountId}/best-times`, { tz }),
    enabled: !!accountId,
  });
}

export function useOnlineFollowers(accountId: number | null | undefined) {
  return useQuery({
    queryKey: ["online-followers", accountId],
    queryFn: () => api.get<OnlineFollowers>(`/instagram/accounts/${accountId}/insights/online-followers`),
    enabled: !!accountId,
  });
}

export function useAudience(accountId: number | null | undefined, breakdown: string) {
  return useQuery({
    queryKey: ["audience", accountId, breakdown],
    queryFn: () => api.get<Audience>(`/instagram/accounts/${accountId}/insights/audience`, { breakdown }),
    enabled: !!accountId,
    retry: false,
  });
}

// The account's recent media with their lifetime numbers: one request per page of 25 (the server
// batches Meta's calls), newest first; `fetchNextPage` follows `next_cursor`.
export function useAccountMediaInsights(accountId: number | null | undefined, limit = 25) {
  return useInfiniteQuery({
    queryKey: ["media-insights", accountId, limit],
    queryFn: ({ pageParam }) =>
      api.get<MediaInsightsPage>(`/instagram/accounts/${accountId}/media-insights`, { limit, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    enabled: !!accountId,
    retry: false,
  });
}

export const insightsCsvUrl = (accountId: number) => `${API}/instagram/accounts/${accountId}/insights/export.csv`;
