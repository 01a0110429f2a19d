// TanStack Query helpers of competitor benchmarks: tracked accounts, the side-by-side table, history.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "./client.ts";

export type Competitor = Schemas["CompetitorRead"];
export type CompetitorList = Schemas["CompetitorList"];
export type Comparison = Schemas["ComparisonRead"];
export type ComparisonRow = Schemas["ComparisonRow"];
export type CompetitorHistory = Schemas["HistoryRead"];

const base = (accountId: number) => `/accounts/${accountId}/competitors`;

export function useCompetitors(accountId: number | null | undefined) {
  return useQuery({
    queryKey: ["competitors", accountId],
    queryFn: () => api.get<CompetitorList>(base(accountId as number)),
    enabled: !!accountId,
    retry: false,
  });
}

export function useCompetitorComparison(accountId: number | null | undefined) {
  return useQuery({
    queryKey: ["competitors", accountId, "comparison"],
    queryFn: () => api.get<Comparison>(`${base(accountId as number)}/comparison`),
    enabled: !!accountId,
    retry: false,
  });
}

export function useCompetitorHistory(accountId: number | null | undefined, days = 90) {
  return useQuery({
    queryKey: ["competitors", accountId, "history", days],
    queryFn: () => api.get<CompetitorHistory>(`${base(accountId as number)}/history`, { days }),
    enabled: !!accountId,
    retry: false,
  });
}

export function useCompetitorMutations(accountId: number | null | undefined) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["competitors", accountId] });
  return {
    add: useMutation({
      mutationFn: (username: string) => api.post<Competitor>(base(accountId as number), { username }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (competitorId: number) => api.del(`${base(accountId as number)}/${competitorId}`),
      onSuccess: refresh,
    }),
  };
}
