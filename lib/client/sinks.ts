import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateEventSinkInput, EventSinkDto, SinkTestResult, TestEventSinkInput, UpdateEventSinkInput } from "@/lib/shared/contracts/event-sinks";
import { apiFetch } from "./api";
import { auditKeys } from "./audit";

export const sinkKeys = {
  all: ["event-sinks"] as const,
  list: () => [...sinkKeys.all, "list"] as const,
  detail: (id: string) => [...sinkKeys.all, "detail", id] as const,
};

/** Lag, state and last delivery change while the page is open (the outbox runs in the background). */
export const SINK_REFETCH_MS = 5_000;

const sinkPath = (id: string) => `/api/sinks/${encodeURIComponent(id)}`;

export function useSinks() {
  return useQuery({ queryKey: sinkKeys.list(), queryFn: () => apiFetch<EventSinkDto[]>("/api/sinks"), refetchInterval: SINK_REFETCH_MS });
}

/** `initialData` lets a server-rendered page hand over the sink it already loaded. */
export function useSink(id: string, initialData?: EventSinkDto) {
  return useQuery({ queryKey: sinkKeys.detail(id), queryFn: () => apiFetch<EventSinkDto>(sinkPath(id)), initialData, refetchInterval: SINK_REFETCH_MS });
}

export function useCreateSink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateEventSinkInput) => apiFetch<EventSinkDto>("/api/sinks", { method: "POST", json: input }),
    onSuccess: (created) => {
      queryClient.setQueryData(sinkKeys.detail(created.id), created);
      invalidateAfterWrite(queryClient);
    },
  });
}

export function useUpdateSink(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateEventSinkInput) => apiFetch<EventSinkDto>(sinkPath(id), { method: "PATCH", json: input }),
    onSuccess: (updated) => {
      queryClient.setQueryData(sinkKeys.detail(id), updated);
      invalidateAfterWrite(queryClient);
    },
  });
}

export function useSetSinkEnabled(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (isEnabled: boolean) => apiFetch<EventSinkDto>(`${sinkPath(id)}/enabled`, { method: "PUT", json: { isEnabled } }),
    onSuccess: (updated) => {
      queryClient.setQueryData(sinkKeys.detail(id), updated);
      invalidateAfterWrite(queryClient);
    },
  });
}

export function useRetrySink(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<EventSinkDto>(`${sinkPath(id)}/retry`, { method: "POST" }),
    onSuccess: (updated) => {
      queryClient.setQueryData(sinkKeys.detail(id), updated);
      invalidateAfterWrite(queryClient);
    },
  });
}

export function useDeleteSink(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>(sinkPath(id), { method: "DELETE" }),
    onSuccess: () => {
      // Drop the row at once; the detail query is left alone while its page navigates away (it would refetch a 404).
      queryClient.setQueryData<EventSinkDto[]>(sinkKeys.list(), (list) => list?.filter((s) => s.id !== id));
      invalidateAfterWrite(queryClient);
    },
  });
}

/** Sends one test event (to a saved sink or a draft). Nothing is cached; the attempt is audited. */
export function useTestSink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (draft: TestEventSinkInput) => apiFetch<SinkTestResult>("/api/sinks/test", { method: "POST", json: draft }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  });
}

/** Every console write lands in the audit log too (and moves every sink's lag), so both are refreshed. */
function invalidateAfterWrite(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: sinkKeys.all });
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
}
