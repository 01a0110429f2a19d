// TanStack Query helpers of workspaces: the caller's workspaces, their members and invitations.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, items, type Paged, type Schemas } from "./client.ts";

export type Workspace = Schemas["WorkspaceRead"];
export type WorkspaceMember = Schemas["MemberRead"];
export type WorkspaceRole = Schemas["Role"];
export type Invitation = Schemas["InvitationRead"];
export type InvitationCreated = Schemas["InvitationCreated"];
export type InvitationCreate = Schemas["InvitationCreate"];
export type InvitationPreview = Schemas["InvitationPreview"];

export const ROLES: { role: WorkspaceRole; label: string; hint: string }[] = [
  { role: "owner", label: "Owner", hint: "everything, including deleting the workspace and managing owners" },
  { role: "admin", label: "Admin", hint: "accounts, members, rules, webhooks, scheduling" },
  { role: "editor", label: "Editor", hint: "clips, drafts, submitting for approval, inbox replies" },
  { role: "approver", label: "Approver", hint: "approves submitted posts" },
  { role: "viewer", label: "Viewer", hint: "reads only" },
];

const WORKSPACES = "/workspaces";

export function useWorkspaces() {
  return useQuery({ queryKey: ["workspaces"], queryFn: () => api.get<Paged<Workspace>>(WORKSPACES).then(items) });
}

export function useWorkspaceMembers(workspaceId: number | null) {
  return useQuery({
    queryKey: ["workspace-members", workspaceId],
    enabled: workspaceId !== null,
    queryFn: () => api.get<Paged<WorkspaceMember>>(`${WORKSPACES}/${workspaceId}/members`).then(items),
  });
}

export function useInvitations(workspaceId: number | null, enabled: boolean) {
  return useQuery({
    queryKey: ["workspace-invitations", workspaceId],
    enabled: enabled && workspaceId !== null,
    queryFn: () => api.get<Paged<Invitation>>(`${WORKSPACES}/${workspaceId}/invitations`).then(items),
  });
}

export function useInvitationPreview(token: string) {
  return useQuery({
    queryKey: ["invitation-preview", token],
    retry: false,
    queryFn: () => api.post<InvitationPreview>(`${WORKSPACES}/invitations/preview`, { token }),
  });
}

export function useWorkspaceMutations(workspaceId: number | null) {
  const client = useQueryClient();
  const base = `${WORKSPACES}/${workspaceId}`;
  const refresh = () => client.invalidateQueries({ predicate: (query) => String(query.queryKey[0]).startsWith("workspace") });
  return {
    create: useMutation({ mutationFn: (name: string) => api.post<Workspace>(WORKSPACES, { name }), onSuccess: refresh }),
    rename: useMutation({ mutationFn: (name: string) => api.patch<Workspace>(base, { name }), onSuccess: refresh }),
    remove: useMutation({ mutationFn: () => api.del(base), onSuccess: refresh }),
    leave: useMutation({ mutationFn: () => api.post(`${base}/leave`), onSuccess: refresh }),
    changeRole: useMutation({
      mutationFn: ({ userId, role }: { userId: number; role: WorkspaceRole }) =>
        api.patch<WorkspaceMember>(`${base}/members/${userId}`, { role }),
      onSuccess: refresh,
    }),
    removeMember: useMutation({ mutationFn: (userId: number) => api.del(`${base}/members/${userId}`), onSuccess: refresh }),
    invite: useMutation({
      mutationFn: (data: InvitationCreate) => api.post<InvitationCreated>(`${base}/invitations`, data),
      onSuccess: refresh,
    }),
    revoke: useMutation({ mutationFn: (id: number) => api.del(`${base}/invitations/${id}`), onSuccess: refresh }),
    accept: useMutation({
      mutationFn: (token: string) => api.post<Workspace>(`${WORKSPACES}/invitations/accept`, { token }),
      onSuccess: refresh,
    }),
  };
}
