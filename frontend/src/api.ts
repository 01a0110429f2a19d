// The one API client: fetch with the session cookie + CSRF header, errors as ApiError, and one
// TanStack Query helper per resource (inbox and insights in api/). Pages never call fetch themselves.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type Account, API, api, ApiError, type ApiToken, type AvailableAccounts, type Clip, type ComposerLimits,
  type ConformRequest, items, type LoginRequest, type LoginResponse, type Paged, type Post, type PostCreate,
  type PostUpdate, type Query, type Schemas, type Session, type User,
} from "./api/client.ts";

export * from "./api/client.ts";
export * from "./api/hashtags.ts";
export * from "./api/inbox.ts";
export * from "./api/insights.ts";
export * from "./api/competitors.ts";
export * from "./api/webhooks.ts";
export * from "./api/workspaces.ts";

// ---- auth ---------------------------------------------------------------------------------------
export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: async () => {
      try {
        return await api.get<User>("/auth/me");
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useAuthMutations() {
  const client = useQueryClient();
  const login = useMutation({
    mutationFn: (credentials: LoginRequest) => api.post<LoginResponse>("/auth/login", credentials),
    onSuccess: (data) => client.setQueryData(["me"], data.user),
  });
  const register = useMutation({
    mutationFn: async (credentials: LoginRequest) => {
      // Sign-up answers alike whether or not the email is taken (nobody can probe who uses this
      // server): a taken email shows up here as a login that fails with the new password.
      await api.post("/auth/register", credentials);
      try {
        return await api.post<LoginResponse>("/auth/login", credentials);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          error.message =
            "We could not sign you in with this email and password. If you already have an account, " +
            "log in with its password instead.";
        }
        throw error;
      }
    },
    onSuccess: (data) => client.setQueryData(["me"], data.user),
  });
  const logout = useMutation({
    mutationFn: () => api.post("/auth/logout"),
    onSettled: () => {
      client.clear();
      client.setQueryData(["me"], null);
    },
  });
  return { login, register, logout };
}

// ---- sessions & API tokens (the Security page) ----------------------------------------------------
export function useSessions() {
  return useQuery({ queryKey: ["sessions"], queryFn: () => api.get<Paged<Session>>("/auth/sessions").then(items) });
}

export function useApiTokens() {
  return useQuery({ queryKey: ["api-tokens"], queryFn: () => api.get<Paged<ApiToken>>("/auth/tokens").then(items) });
}

export function useSecurityMutations() {
  const client = useQueryClient();
  return {
    endSession: useMutation({
      mutationFn: (id: number) => api.del(`/auth/sessions/${id}`),
      onSuccess: () => client.invalidateQueries({ queryKey: ["sessions"] }),
    }),
    revokeToken: useMutation({
      mutationFn: (id: number) => api.del(`/auth/tokens/${id}`),
      onSuccess: () => client.invalidateQueries({ queryKey: ["api-tokens"] }),
    }),
  };
}

// ---- accounts & OAuth ---------------------------------------------------------------------------
export function useAccounts() {
  return useQuery({ queryKey: ["accounts"], queryFn: () => api.get<Paged<Account>>("/accounts").then(items) });
}

export function useActiveAccounts() {
  const query = useAccounts();
  return { ...query, data: (query.data || []).filter((account) => account.is_active) };
}

// The login flavours this server is configured for: one Connect button each.
export function useLoginFlavours() {
  return useQuery({
    queryKey: ["login-flavours"],
    queryFn: () => api.get<{ flavours: Flavour[] }>("/oauth/instagram/login-flavours").then((body) => body.flavours),
    staleTime: Infinity,
  });
}

export function useAvailableAccounts(enabled = true) {
  return useQuery({
    queryKey: ["available-accounts"],
    queryFn: () => api.get<AvailableAccounts>("/oauth/instagram/available-accounts"),
    enabled,
    staleTime: 0,
    retry: false,
  });
}

// flavour: "facebook" (Facebook Login, through the Page) or "instagram" (Instagram Login, no Page).
export type Flavour = "facebook" | "instagram";
export const authorizeUrl = (flavour: Flavour = "facebook") =>
  api.get<Schemas["AuthorizationUrl"]>(`/oauth/instagram/authorize?flavour=${flavour}`).then((data) => data.authorization_url);
export const asFlavour = (value: string | null | undefined): Flavour => (value === "instagram" ? "instagram" : "facebook");
export const redirectAuthorizeUrl = (flavour: Flavour = "facebook") => `${API}/oauth/instagram/authorize?redirect=true&flavour=${flavour}`;

export function useAccountMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["accounts"] });
  return {
    select: useMutation({
      mutationFn: (igId: string) => api.post<Account>("/oauth/instagram/select-account", { instagram_business_account_id: igId }),
      onSuccess: refresh,
    }),
    disconnect: useMutation({
      mutationFn: (accountId: number) => api.post<Account>("/oauth/instagram/disconnect", { account_id: accountId }),
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (accountId: number) => api.del(`/accounts/${accountId}`), onSuccess: refresh }),
  };
}

// ---- clips --------------------------------------------------------------------------------------
export function useClips() {
  return useQuery({
    queryKey: ["clips"],
    queryFn: () => api.get<Paged<Clip>>("/clips", { limit: 100 }).then(items),
    // Conform/trim jobs run in the background: poll while any clip is still being processed.
    refetchInterval: (query) =>
      (query.state.data || []).some((clip) => clip.status === "processing") ? 1000 : false,
  });
}

export function useClipMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["clips"] });
  return {
    conform: useMutation({
      mutationFn: ({ id, ...body }: { id: number } & Partial<ConformRequest> & Pick<ConformRequest, "media_type">) => api.post<Clip>(`/clips/${id}/conform`, body),
      onSuccess: refresh,
    }),
    trim: useMutation({
      mutationFn: ({ id, ...body }: { id: number } & Schemas["TrimRequest"]) => api.post<Clip>(`/clips/${id}/trim`, body),
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (id: number) => api.del(`/clips/${id}`), onSuccess: refresh }),
  };
}

// ---- posts --------------------------------------------------------------------------------------
export function usePosts(query: Query = {}) {
  return useQuery({ queryKey: ["posts", query], queryFn: () => api.get<Paged<Post>>("/social/", { limit: 100, ...query }).then(items) });
}

export function usePost(id: string | number | undefined) {
  return useQuery({ queryKey: ["posts", "one", String(id)], queryFn: () => api.get<Post>(`/social/${id}`), enabled: !!id });
}

// What the server accepts in a post (its validation's own limits): they change only with a new server.
export function useComposerLimits() {
  return useQuery({ queryKey: ["composer-limits"], queryFn: () => api.get<ComposerLimits>("/social/limits"), staleTime: Infinity });
}

export function usePostMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["posts"] });
  return {
    // One post (`account_id`) or a page of them (`account_ids`); `publish_now` queues them in the same request.
    create: useMutation({ mutationFn: (data: PostCreate) => api.post<Post | Paged<Post>>("/social/", data), onSuccess: refresh }),
    update: useMutation({ mutationFn: ({ id, ...data }: { id: number } & PostUpdate) => api.put<Post>(`/social/${id}`, data), onSuccess: refresh }),
    publish: useMutation({ mutationFn: (id: number) => api.post<Post>(`/social/${id}/publish`), onSuccess: refresh }),
    check: useMutation({ mutationFn: (id: number) => api.post<Post>(`/social/${id}/check`), onSuccess: refresh }),
    remove: useMutation({ mutationFn: (id: number) => api.del(`/social/${id}`), onSuccess: refresh }),
  };
}

// ---- account helpers ----------------------------------------------------------------------------
// A text value of the account's `meta_info` (what Meta said about it; free-form JSON).
export function metaText(account: Account | undefined, key: string): string | undefined {
  const value = account?.meta_info?.[key];
  return typeof value === "string" ? value : undefined;
}

export const profilePicture = (account: Account | undefined): string | undefined =>
  account?.profile_picture_url || metaText(account, "profile_picture_url");
