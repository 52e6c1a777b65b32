import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  ConnectionDto,
  ConnectionWithActivityDto,
  CreateConnectionInput,
  SchemaDto,
  TestConnectionInput,
  TestConnectionResult,
  UpdateConnectionInput,
} from "@/lib/shared/contracts/connections";
import { apiFetch } from "./api";
import { auditKeys } from "./audit";

export const connectionKeys = {
  all: ["connections"] as const,
  list: () => [...connectionKeys.all, "list"] as const,
  detail: (id: string) => [...connectionKeys.all, "detail", id] as const,
  schema: (id: string) => [...connectionKeys.all, "schema", id] as const,
};

const connectionPath = (id: string) => `/api/connections/${encodeURIComponent(id)}`;

export function useConnections() {
  return useQuery({ queryKey: connectionKeys.list(), queryFn: () => apiFetch<ConnectionWithActivityDto[]>("/api/connections") });
}

/** `initialData` lets a server-rendered page hand over the connection it already loaded. */
export function useConnection(id: string, initialData?: ConnectionWithActivityDto) {
  return useQuery({ queryKey: connectionKeys.detail(id), queryFn: () => apiFetch<ConnectionWithActivityDto>(connectionPath(id)), initialData });
}

/** Reads the target's catalog live, so it only runs when asked (the Schema tab is opened). */
export function useConnectionSchema(id: string, { isEnabled }: { isEnabled: boolean }) {
  return useQuery({
    queryKey: connectionKeys.schema(id),
    queryFn: () => apiFetch<SchemaDto>(`${connectionPath(id)}/schema`),
    enabled: isEnabled,
    staleTime: 60_000,
    // Refetching on focus would reconnect to the target every time the admin comes back to the tab.
    refetchOnWindowFocus: false,
  });
}

export function useCreateConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateConnectionInput) => apiFetch<ConnectionDto>("/api/connections", { method: "POST", json: input }),
    onSuccess: (created) => {
      // A connection created this instant has had no sessions yet.
      queryClient.setQueryData<ConnectionWithActivityDto>(connectionKeys.detail(created.id), { ...created, sessionCounts: { open: 0, last24h: 0 } });
      invalidateAfterWrite(queryClient);
    },
  });
}

export function useUpdateConnection(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateConnectionInput) => apiFetch<ConnectionDto>(connectionPath(id), { method: "PATCH", json: input }),
    onSuccess: (updated) => {
      // The answer is the connection alone: keep the session counts until the detail refetches.
      queryClient.setQueryData<ConnectionWithActivityDto>(connectionKeys.detail(id), (prev) => (prev ? { ...prev, ...updated } : undefined));
      void queryClient.invalidateQueries({ queryKey: connectionKeys.detail(id) });
      // New host or credentials may show a different catalog.
      queryClient.removeQueries({ queryKey: connectionKeys.schema(id) });
      invalidateAfterWrite(queryClient);
    },
  });
}

export function useDeleteConnection(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>(connectionPath(id), { method: "DELETE" }),
    onSuccess: () => {
      // Drop the row at once so the list never shows it again; the detail query is left alone because the
      // page that watches it is still mounted while it navigates away, and removing it would refetch a 404.
      queryClient.setQueryData<ConnectionWithActivityDto[]>(connectionKeys.list(), (list) => list?.filter((c) => c.id !== id));
      invalidateAfterWrite(queryClient);
    },
  });
}

/**
 * Tests a draft; with `id` and no password the server uses the stored password. A test of the saved
 * settings becomes the connection's health on the server, so the saved connection is read again.
 */
export function useTestConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (draft: TestConnectionInput) => apiFetch<TestConnectionResult>("/api/connections/test", { method: "POST", json: draft }),
    onSettled: (_result, _error, draft) => {
      if (!draft.id) return;
      void queryClient.invalidateQueries({ queryKey: connectionKeys.detail(draft.id) });
      void queryClient.invalidateQueries({ queryKey: connectionKeys.list() });
    },
  });
}

/** Every console write lands in the audit log too, so both lists are refreshed. */
function invalidateAfterWrite(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: connectionKeys.list() });
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
}
