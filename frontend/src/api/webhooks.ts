// TanStack Query helpers of outgoing webhooks: the user's endpoints, their secrets and delivery logs.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, items, type Paged, type Schemas } from "./client.ts";

export type WebhookEndpoint = Schemas["EndpointRead"];
export type WebhookEndpointWithSecret = Schemas["EndpointWithSecret"];
export type WebhookEndpointCreate = Schemas["EndpointCreate"];
export type WebhookEndpointUpdate = Schemas["EndpointUpdate"];
export type WebhookDelivery = Schemas["DeliveryRead"];
export type WebhookEventType = WebhookEndpointCreate["events"][number];

// The events an endpoint may subscribe to, in the order the form lists them.
export const WEBHOOK_EVENTS: { type: WebhookEventType; label: string }[] = [
  { type: "post.published", label: "Post published" },
  { type: "post.failed", label: "Post failed" },
  { type: "post.unconfirmed", label: "Post unconfirmed" },
  { type: "comment.created", label: "New comment" },
  { type: "message.created", label: "New message" },
  { type: "account.updated", label: "Account updated" },
];

const ENDPOINTS = "/webhook-endpoints";

export function useWebhookEndpoints() {
  return useQuery({ queryKey: ["webhook-endpoints"], queryFn: () => api.get<Paged<WebhookEndpoint>>(ENDPOINTS).then(items) });
}

export function useWebhookDeliveries(endpointId: number) {
  return useQuery({
    queryKey: ["webhook-deliveries", endpointId],
    queryFn: () => api.get<Paged<WebhookDelivery>>(`${ENDPOINTS}/${endpointId}/deliveries`, { limit: 20 }).then(items),
    // The worker sends within seconds: poll while a delivery is still on its way.
    refetchInterval: (query) =>
      (query.state.data || []).some((item) => item.status === "pending" || item.status === "sending") ? 2000 : false,
  });
}

export function useWebhookMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["webhook-endpoints"] });
  return {
    create: useMutation({
      mutationFn: (data: WebhookEndpointCreate) => api.post<WebhookEndpointWithSecret>(ENDPOINTS, data),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, ...data }: { id: number } & WebhookEndpointUpdate) => api.patch<WebhookEndpoint>(`${ENDPOINTS}/${id}`, data),
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (id: number) => api.del(`${ENDPOINTS}/${id}`), onSuccess: refresh }),
    rotate: useMutation({ mutationFn: (id: number) => api.post<WebhookEndpointWithSecret>(`${ENDPOINTS}/${id}/rotate-secret`) }),
    test: useMutation({
      mutationFn: (id: number) => api.post<WebhookDelivery>(`${ENDPOINTS}/${id}/test`),
      onSuccess: (delivery) => client.invalidateQueries({ queryKey: ["webhook-deliveries", delivery.endpoint_id] }),
    }),
  };
}
