// The one API client: fetch with the session cookie + CSRF header, errors as ApiError, and one
// TanStack Query helper per resource. Pages never call fetch themselves.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

export const API = "/api/v1";
// The origin whose OAuth callback page may postMessage us (the backend; the same as ours unless
// the UI is served from elsewhere in development).
export const BACKEND_ORIGIN = import.meta.env.VITE_BACKEND_ORIGIN || window.location.origin;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || `Request failed (${status})`);
    this.status = status;
    this.error = body?.error || "Error";
    this.fields = Object.fromEntries((body?.fields || []).map((f) => [f.field.split(".").pop(), f.message]));
    this.body = body;
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrf_token=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function url(path, query) {
  const params = new URLSearchParams();
  Object.entries(query || {}).forEach(([key, value]) => {
    if (value !== undefined && value !== null && value !== "") params.set(key, value);
  });
  const qs = params.toString();
  return `${API}${path}${qs ? `?${qs}` : ""}`;
}

async function parse(response) {
  const type = response.headers.get("content-type") || "";
  if (response.status === 204) return null;
  return type.includes("json") ? response.json() : response.text();
}

export async function request(method, path, { body, query, form } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url(path, query), { method, headers, body: payload, credentials: "same-origin" });
  const data = await parse(response);
  if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : { detail: data });
  return data;
}

export const api = {
  get: (path, query) => request("GET", path, { query }),
  post: (path, body, query) => request("POST", path, { body, query }),
  put: (path, body) => request("PUT", path, { body }),
  patch: (path, body) => request("PATCH", path, { body }),
  del: (path, query) => request("DELETE", path, { query }),
};

// Multipart upload with progress (fetch cannot report upload progress; XHR can).
export function uploadFile(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${API}${path}`);
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress?.(event.loaded / event.total);
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = { detail: xhr.responseText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: "The upload failed: check your connection." }));
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}

const items = (page) => page?.items ?? (Array.isArray(page) ? page : []);

// ---- auth ---------------------------------------------------------------------------------------
export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: async () => {
      try {
        return await api.get("/auth/me");
      } catch (error) {
        if (error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useAuthMutations() {
  const client = useQueryClient();
  const login = useMutation({
    mutationFn: (credentials) => api.post("/auth/login", credentials),
    onSuccess: (data) => client.setQueryData(["me"], data.user),
  });
  const register = useMutation({
    mutationFn: async (credentials) => {
      // Sign-up answers alike whether or not the email is taken (nobody can probe who uses this
      // server): a taken email shows up here as a login that fails with the new password.
      await api.post("/auth/register", credentials);
      try {
        return await api.post("/auth/login", credentials);
      } catch (error) {
        if (error.status === 401) {
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
  return useQuery({ queryKey: ["sessions"], queryFn: () => api.get("/auth/sessions").then(items) });
}

export function useApiTokens() {
  return useQuery({ queryKey: ["api-tokens"], queryFn: () => api.get("/auth/tokens").then(items) });
}

export function useSecurityMutations() {
  const client = useQueryClient();
  return {
    endSession: useMutation({
      mutationFn: (id) => api.del(`/auth/sessions/${id}`),
      onSuccess: () => client.invalidateQueries({ queryKey: ["sessions"] }),
    }),
    revokeToken: useMutation({
      mutationFn: (id) => api.del(`/auth/tokens/${id}`),
      onSuccess: () => client.invalidateQueries({ queryKey: ["api-tokens"] }),
    }),
  };
}

// ---- accounts & OAuth ---------------------------------------------------------------------------
export function useAccounts() {
  return useQuery({ queryKey: ["accounts"], queryFn: () => api.get("/accounts").then(items) });
}

export function useActiveAccounts() {
  const query = useAccounts();
  return { ...query, data: (query.data || []).filter((account) => account.is_active) };
}

export function useAvailableAccounts(enabled = true) {
  return useQuery({
    queryKey: ["available-accounts"],
    queryFn: () => api.get("/oauth/instagram/available-accounts"),
    enabled,
    staleTime: 0,
    retry: false,
  });
}

// flavour: "facebook" (Facebook Login, through the Page) or "instagram" (Instagram Login, no Page).
export const authorizeUrl = (flavour = "facebook") =>
  api.get(`/oauth/instagram/authorize?flavour=${flavour}`).then((data) => data.authorization_url);
export const redirectAuthorizeUrl = (flavour = "facebook") => `${API}/oauth/instagram/authorize?redirect=true&flavour=${flavour}`;

export function useAccountMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["accounts"] });
  return {
    select: useMutation({
      mutationFn: (igId) => api.post("/oauth/instagram/select-account", { instagram_business_account_id: igId }),
      onSuccess: refresh,
    }),
    disconnect: useMutation({
      mutationFn: (accountId) => api.post("/oauth/instagram/disconnect", { account_id: accountId }),
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (accountId) => api.del(`/accounts/${accountId}`), onSuccess: refresh }),
  };
}

// ---- clips --------------------------------------------------------------------------------------
export function useClips() {
  return useQuery({
    queryKey: ["clips"],
    queryFn: () => api.get("/clips", { limit: 100 }).then(items),
    // Conform/trim jobs run in the background: poll while any clip is still being processed.
    refetchInterval: (query) =>
      (query.state.data || []).some((clip) => clip.status === "processing")
        ? 1000
        : false,
  });
}

export function useClipMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["clips"] });
  return {
    conform: useMutation({
      mutationFn: ({ id, media_type, fit }) => api.post(`/clips/${id}/conform`, { media_type, fit }),
      onSuccess: refresh,
    }),
    trim: useMutation({
      mutationFn: ({ id, start, end }) => api.post(`/clips/${id}/trim`, { start, end }),
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (id) => api.del(`/clips/${id}`), onSuccess: refresh }),
  };
}

// ---- posts --------------------------------------------------------------------------------------
export function usePosts(query = {}) {
  return useQuery({ queryKey: ["posts", query], queryFn: () => api.get("/social/", { limit: 100, ...query }).then(items) });
}

export function usePost(id) {
  return useQuery({ queryKey: ["posts", "one", String(id)], queryFn: () => api.get(`/social/${id}`), enabled: !!id });
}

export function usePostMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["posts"] });
  return {
    create: useMutation({ mutationFn: (data) => api.post("/social/", data), onSuccess: refresh }),
    update: useMutation({ mutationFn: ({ id, ...data }) => api.put(`/social/${id}`, data), onSuccess: refresh }),
    publish: useMutation({ mutationFn: (id) => api.post(`/social/${id}/publish`), onSuccess: refresh }),
    check: useMutation({ mutationFn: (id) => api.post(`/social/${id}/check`), onSuccess: refresh }),
    remove: useMutation({ mutationFn: (id) => api.del(`/social/${id}`), onSuccess: refresh }),
  };
}

// ---- inbox --------------------------------------------------------------------------------------
export function useComments(filters = {}) {
  return useQuery({
    queryKey: ["comments", filters],
    queryFn: () => api.get("/instagram/comments", { limit: 100, ...filters }).then(items),
  });
}

export function useCommentMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["comments"] });
  return {
    reply: useMutation({
      mutationFn: ({ id, message }) => api.post(`/instagram/comments/${id}/reply`, { message }),
      onSuccess: refresh,
    }),
    hide: useMutation({
      mutationFn: ({ id, hide }) => api.post(`/instagram/comments/${id}/hide`, { hide }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: ({ id }) => api.del(`/instagram/comments/${id}`),
      onSuccess: refresh,
    }),
    bulk: useMutation({ mutationFn: (data) => api.post("/instagram/comments/bulk", data), onSuccess: refresh }),
  };
}

export function useInboxSync() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (accountIds) => Promise.all(accountIds.map((id) => api.post(`/instagram/accounts/${id}/inbox/sync`))),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ["comments"] });
      client.invalidateQueries({ queryKey: ["conversations"] });
    },
  });
}

export function useConversations(accountId) {
  return useQuery({
    queryKey: ["conversations", accountId ?? "all"],
    queryFn: () => api.get("/instagram/conversations", { account_id: accountId }).then(items),
  });
}

export function useMessages(conversationId) {
  return useQuery({
    queryKey: ["messages", conversationId],
    queryFn: () => api.get(`/instagram/conversations/${conversationId}/messages`, { limit: 100 }).then(items),
    enabled: !!conversationId,
  });
}

export function useSendMessage(conversationId) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text) =>
      api.post(`/instagram/conversations/${conversationId}/messages`, { text }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ["messages", conversationId] });
      client.invalidateQueries({ queryKey: ["conversations"] });
    },
  });
}

export function useModerationRules(accountId) {
  return useQuery({
    queryKey: ["moderation-rules", accountId],
    queryFn: () => api.get(`/instagram/accounts/${accountId}/moderation-rules`).then(items),
    enabled: !!accountId,
  });
}

function setRuleEnabled(client, accountId, id, enabled) {
  client.setQueryData(["moderation-rules", accountId], (rules) =>
    rules?.map((rule) => (rule.id === id ? { ...rule, enabled } : rule)),
  );
}

export function useModerationMutations(accountId) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["moderation-rules", accountId] });
  const base = `/instagram/accounts/${accountId}/moderation-rules`;
  return {
    create: useMutation({ mutationFn: (rule) => api.post(base, rule), onSuccess: refresh }),
    // The checkbox follows the click at once, rule by rule (several toggles may be on their way); a
    // refusal puts that rule back, and the list refetches once the change is settled.
    toggle: useMutation({
      mutationFn: ({ id, enabled }) => api.patch(`${base}/${id}`, { enabled }),
      onMutate: async ({ id, enabled }) => {
        await client.cancelQueries({ queryKey: ["moderation-rules", accountId] });
        setRuleEnabled(client, accountId, id, enabled);
      },
      onError: (_error, { id, enabled }) => setRuleEnabled(client, accountId, id, !enabled),
      onSettled: refresh,
    }),
    remove: useMutation({ mutationFn: (id) => api.del(`${base}/${id}`), onSuccess: refresh }),
  };
}

// ---- insights -----------------------------------------------------------------------------------
// Every metric comes by day (views and interactions included), so one request draws a whole chart.
export function useAccountInsights(accountId, params = {}) {
  return useQuery({
    queryKey: ["insights", accountId, params],
    queryFn: () => api.get(`/instagram/accounts/${accountId}/insights`, params),
    enabled: !!accountId,
  });
}

export function useBestTimes(accountId, tz) {
  return useQuery({
    queryKey: ["best-times", accountId, tz],
    queryFn: () => api.get(`/instagram/accounts/${accountId}/best-times`, { tz }),
    enabled: !!accountId,
  });
}

export function useOnlineFollowers(accountId) {
  return useQuery({
    queryKey: ["online-followers", accountId],
    queryFn: () => api.get(`/instagram/accounts/${accountId}/insights/online-followers`),
    enabled: !!accountId,
  });
}

export function useAudience(accountId, breakdown) {
  return useQuery({
    queryKey: ["audience", accountId, breakdown],
    queryFn: () => api.get(`/instagram/accounts/${accountId}/insights/audience`, { breakdown }),
    enabled: !!accountId,
    retry: false,
  });
}

// The account's recent media with their lifetime numbers: one request per page of 25 (the server
// batches Meta's calls), newest first; `fetchNextPage` follows `next_cursor`.
export function useAccountMediaInsights(accountId, limit = 25) {
  return useInfiniteQuery({
    queryKey: ["media-insights", accountId, limit],
    queryFn: ({ pageParam }) => api.get(`/instagram/accounts/${accountId}/media-insights`, { limit, cursor: pageParam }),
    initialPageParam: null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    enabled: !!accountId,
    retry: false,
  });
}

export const insightsCsvUrl = (accountId) => `${API}/instagram/accounts/${accountId}/insights/export.csv`;
