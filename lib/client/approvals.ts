import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApprovalGrantDto, ApprovalPageDto, ApprovalRequestDto, DecideApprovalInput } from "@/lib/shared/contracts/approvals";
import { apiFetch } from "./api";
import { auditKeys } from "./audit";

export type ApprovalListStatus = "pending" | "decided";

export const approvalKeys = {
  all: ["approvals"] as const,
  list: (status: ApprovalListStatus) => [...approvalKeys.all, "list", status] as const,
  pendingCount: () => [...approvalKeys.all, "pending-count"] as const,
  detail: (id: string) => [...approvalKeys.all, "detail", id] as const,
  grants: (isActiveOnly: boolean) => [...approvalKeys.all, "grants", isActiveOnly ? "active" : "all"] as const,
};

const APPROVALS_PAGE_SIZE = 50;
/** The nav badge counts up to this many; beyond, it shows "99+". */
const PENDING_COUNT_CAP = 99;
/**
 * The live stream invalidates these queries the moment something changes; the poll is a safety net
 * for when the stream cannot get through (a proxy that buffers it), not the way updates arrive.
 */
const SAFETY_POLL_MS = 30_000;

const approvalPath = (id: string) => `/api/approvals/${encodeURIComponent(id)}`;

/** Pending or decided requests, newest first, a page at a time ("Load more"). */
export function useApprovalRequests(status: ApprovalListStatus) {
  return useInfiniteQuery({
    queryKey: approvalKeys.list(status),
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams({ status, limit: String(APPROVALS_PAGE_SIZE) });
      if (pageParam) params.set("cursor", pageParam);
      return apiFetch<ApprovalPageDto>(`/api/approvals?${params}`, { signal, cache: "no-store" });
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: SAFETY_POLL_MS,
  });
}

/** How many requests wait for a decision, for the nav badge: a number, or "99+". */
export function usePendingApprovalCount({ isEnabled }: { isEnabled: boolean }) {
  return useQuery({
    queryKey: approvalKeys.pendingCount(),
    queryFn: ({ signal }) => apiFetch<ApprovalPageDto>(`/api/approvals?status=pending&limit=${PENDING_COUNT_CAP}`, { signal, cache: "no-store" }),
    select: (page) => (page.nextCursor ? `${PENDING_COUNT_CAP}+` : page.items.length),
    enabled: isEnabled,
    refetchInterval: SAFETY_POLL_MS,
  });
}

/** `initialData` lets the server-rendered detail page hand over the request it already loaded. */
export function useApprovalRequest(id: string, initialData?: ApprovalRequestDto) {
  return useQuery({ queryKey: approvalKeys.detail(id), queryFn: ({ signal }) => apiFetch<ApprovalRequestDto>(approvalPath(id), { signal, cache: "no-store" }), initialData });
}

export function useDecideApproval(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DecideApprovalInput) => apiFetch<ApprovalRequestDto>(`${approvalPath(id)}/decision`, { method: "POST", json: input }),
    onSuccess: (decided) => {
      if (decided?.id) queryClient.setQueryData(approvalKeys.detail(id), decided);
      // Lists, the badge and grants all move; the stream would say so too, a moment later.
      void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
    },
  });
}

export function useGrants({ isActiveOnly }: { isActiveOnly: boolean }) {
  return useQuery({
    queryKey: approvalKeys.grants(isActiveOnly),
    queryFn: ({ signal }) => apiFetch<ApprovalGrantDto[]>(`/api/approvals/grants${isActiveOnly ? "?active=1" : ""}`, { signal, cache: "no-store" }),
  });
}

export function useRevokeGrant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<ApprovalGrantDto>(`/api/approvals/grants/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [...approvalKeys.all, "grants"] });
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
    },
  });
}
