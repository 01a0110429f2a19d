// The one API client: fetch with the session cookie + CSRF header, errors as ApiError, and one
// TanStack Query helper per resource. Pages never call fetch themselves.
import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, type ErrorBody } from "./errors.ts";
import type { components } from "./generated/openapi.ts";

export { ApiError, type ErrorBody, fieldsOf, lastSegment } from "./errors.ts";

// The server's models, generated from its OpenAPI document (`make web-types`).
type Schemas = components["schemas"];
export type Account = Schemas["AccountRead"];
export type AvailableAccounts = Schemas["AvailableAccountsPage"];
export type Clip = Schemas["ClipRead"];
export type ConformRequest = Schemas["ConformRequest"];
export type ConformTarget = ConformRequest["media_type"];
export type Post = Schemas["PostRead"];
export type PostCreate = Schemas["PostCreate"];
export type PostUpdate = Schemas["PostUpdate"];
export type PostOptions = Schemas["PostOptions"];
export type ComposerLimits = Schemas["ComposerLimits"];
export type UserTag = Schemas["UserTag"];
export type MediaType = Schemas["MediaType"];
export type Comment = Schemas["CommentRead"];
export type Conversation = Schemas["ConversationRead"];
export type Message = Schemas["MessageRead"];
export type Rule = Schemas["RuleRead"];
export type RuleCreate = Schemas["RuleCreate"];
export type Session = Schemas["SessionRead"];
export type ApiToken = Schemas["ApiTokenRead"];
export type User = Schemas["UserRead"];
export type LoginRequest = Schemas["LoginRequest"];
export type LoginResponse = Schemas["LoginResponse"];
export type AccountInsights = Schemas["AccountInsightsRead"];
export type BestTimes = Schemas["BestTimesRead"];
export type OnlineFollowers = Schemas["OnlineFollowersRead"];
export type Audience = Schemas["AudienceRead"];
export type MediaInsightsPage = Schemas["MediaInsightsPage"];
export type MediaWithInsights = Schemas["MediaWithInsightsRead"];
export type Metric = Schemas["MetricRead"];
export type BulkRequest = Schemas["BulkRequest"];
export type BulkAction = Schemas["BulkAction"];
export type BulkItem = Schemas["BulkItem"];
export type Participant = Schemas["Participant"];
export type RuleKind = Schemas["RuleKind"];
export type RuleAction = Schemas["RuleAction"];
type Query = Record<string, string | number | boolean | null | undefined>;
type Paged<T> = { items: T[]; next_cursor?: string | null };

export const API = "/api/v1";
// The origin whose OAuth callback page may postMessage us (the backend; the same as ours unless
// the UI is served from elsewhere in development).
export const BACKEND_ORIGIN = import.meta.env.VITE_BACKEND_ORIGIN || window.location.origin;


function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrf_token=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  Object.entries(query || {}).forEach(([key, value]) => {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  });
  const qs = params.toString();
  return `${API}${path}${qs ? `?${qs}` : ""}`;
}

async function parse(response: Response): Promise<unknown> {
  const type = response.headers.get("content-type") || "";
  if (response.status === 204) return null;
  return type.includes("json") ? response.json() : response.text();
}

type RequestOptions = { body?: unknown; query?: Query; form?: FormData };

export async function request<T>(method: string, path: string, { body, query, form }: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  let payload: BodyInit | undefined;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url(path, query), { method, headers, body: payload, credentials: "same-origin" });
  const data = await parse(response);
  if (!response.ok) {
    throw new ApiError(response.status, data && typeof data === "object" ? (data as ErrorBody) : { detail: String(data) });
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, { query }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>("POST", path, { body, query }),
  put: <T>(path: string, body?: unknown) => request<T>("PUT", path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>("PATCH", path, { body }),
  del: <T = null>(path: string, query?: Query) => request<T>("DELETE", path, { query }),
};

// Multipart upload with progress (fetch cannot report upload progress; XHR can).
export function uploadFile<T>(path: string, file: File, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${API}${path}`);
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress?.(event.loaded / event.total);
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = { detail: xhr.responseText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else reject(new ApiError(xhr.status, data as ErrorBody));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: "The upload failed: check your connection." }));
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}

const items = <T>(page: Paged<T>): T[] => page.items;

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

// ---- account helpers ----------------------------------------------------------------------------
// A text value of the account's `meta_info` (what Meta said about it; free-form JSON).
export function metaText(account: Account | undefined, key: string): string | undefined {
  const value = account?.meta_info?.[key];
  return typeof value === "string" ? value : undefined;
}

export const profilePicture = (account: Account | undefined): string | undefined =>
  account?.profile_picture_url || metaText(account, "profile_picture_url");
