// The API client: fetch with the session cookie + CSRF header, errors as ApiError, and the server's
// models as generated from its OpenAPI document.
import { ApiError, type ErrorBody } from "../errors.ts";
import type { components } from "../generated/openapi.ts";

export { ApiError, type ErrorBody, fieldsOf, lastSegment } from "../errors.ts";

// The server's models, generated from its OpenAPI document (`make web-types`).
export type Schemas = components["schemas"];
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
export type HashtagQuota = Schemas["QuotaRead"];
export type HashtagSearch = Schemas["SearchRead"];
export type HashtagMediaPage = Schemas["HashtagMediaPage"];
export type HashtagMedia = Schemas["HashtagMediaRead"];
export type HashtagEdge = Schemas["MediaEdge"];
export type HashtagGroup = Schemas["GroupRead"];
export type HashtagGroupFields = Schemas["GroupFields"];
export type HashtagPerformanceReport = Schemas["PerformanceRead"];
export type HashtagPerformance = Schemas["HashtagPerformance"];
export type HashtagPerformanceSort = Schemas["PerformanceSort"];
export type MetricSpread = Schemas["Spread"];
export type Query = Record<string, string | number | boolean | null | undefined>;
export type Paged<T> = { items: T[]; next_cursor?: string | null };

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

export const items = <T>(page: Paged<T>): T[] => page.items;
