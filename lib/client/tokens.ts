import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreatedTokenDto, CreateTokenRequest, TokenDto } from "@/lib/shared/contracts/tokens";
import { apiFetch } from "./api";
import { auditKeys } from "./audit";

export type TokenListFilters = { user?: string; active?: "1" };

export const tokenKeys = {
  all: ["tokens"] as const,
  mine: () => [...tokenKeys.all, "mine"] as const,
  everyone: (filters: TokenListFilters) => [...tokenKeys.all, "everyone", filters] as const,
};

/** The signed-in person's own tokens (any role). */
export function useMyTokens() {
  return useQuery({ queryKey: tokenKeys.mine(), queryFn: ({ signal }) => apiFetch<TokenDto[]>("/api/tokens?mine=1", { signal }) });
}

/** Everyone's tokens, for admins. */
export function useAllTokens(filters: TokenListFilters) {
  const params = new URLSearchParams();
  if (filters.user) params.set("user", filters.user);
  if (filters.active) params.set("active", filters.active);
  return useQuery({
    queryKey: tokenKeys.everyone(filters),
    queryFn: ({ signal }) => apiFetch<TokenDto[]>(`/api/tokens?${params}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

/**
 * Mints a token. The answer holds the token itself, so it is handed to the caller and never put in
 * the query cache (which outlives the page's "shown once" card).
 */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateTokenRequest) => apiFetch<CreatedTokenDto>("/api/tokens", { method: "POST", json: input }),
    onSuccess: () => invalidateAfterWrite(queryClient),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<TokenDto>(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => invalidateAfterWrite(queryClient),
  });
}

/** Mints and revocations are console writes: the token lists and the audit log both change. */
function invalidateAfterWrite(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: tokenKeys.all });
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
}
