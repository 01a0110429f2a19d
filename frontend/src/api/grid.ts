// TanStack Query helpers of the grid preview: an account's profile grid, and swapping two posts' times.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "./client.ts";

export type GridView = Schemas["GridRead"];
export type GridTile = Schemas["GridTile"];
export type SwapResult = Schemas["SwapRead"];

const path = (accountId: number) => `/grid/${accountId}`;

// Each read costs one call to Meta (the account's last 30 media): no refetch on focus.
export function useGrid(accountId: number | null | undefined) {
  return useQuery({
    queryKey: ["grid", accountId],
    queryFn: () => api.get<GridView>(path(accountId!)),
    enabled: !!accountId,
    refetchOnWindowFocus: false,
    retry: false,
  });
}

export function useSwap(accountId: number | null | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (postIds: [number, number]) => api.post<SwapResult>(`${path(accountId!)}/swap`, { post_ids: postIds }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["grid", accountId] });
      void client.invalidateQueries({ queryKey: ["queue", accountId] });
      void client.invalidateQueries({ queryKey: ["posts"] });
    },
  });
}
