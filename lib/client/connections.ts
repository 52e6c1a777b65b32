import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  ConnectionDto,
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
  return useQuery({ queryKey: connectionKeys.list(), queryFn: () => apiFetch<ConnectionDto[]>("/api/connections") });
}

/** `initialData` lets a server-rendered page hand over the connection it already loaded. */
export function useConnection(id: string, initialData?: ConnectionDto) {
  return useQuery({ queryKey: connectionKeys.detail(id), queryFn: () => apiFetch<ConnectionDto>(connectionPath(id)), initialData });
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
      queryClient.setQueryData(connectionKeys.detail(created.id), created);
      invalidateAfterWrite(queryClient);
    },
  });
}

export function useUpdateConnection(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateConnectionInput) => apiFetch<ConnectionDto>(connectionPath(id), { method: "PATCH", json: input }),
    onSuccess: (updated) => {
      queryClient.setQueryData(connectionKeys.detail(id), updated);
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
      queryClient.setQueryData<ConnectionDto[]>(connectionKeys.list(), (list) => list?.filter((c) => c.id !== id));
      invalidateAfterWrite(queryClient);
    },
  });
}

/** Tests a draft; with `id` and no password the server uses the stored password. Nothing is cached. */
export function useTestConnection() {
  return useMutation({
    mutationFn: (draft: TestConnectionInput) => apiFetch<TestConnectionResult>("/api/connections/test", { method: "POST", json: draft }),
  });
}

/** Every console write lands in the audit log too, so both lists are refreshed. */
function invalidateAfterWrite(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: connectionKeys.list() });
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
}
