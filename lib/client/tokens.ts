import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TOKENS_PAGE_SIZE, type CreatedTokenDto, type CreateTokenRequest, type TokenDto, type TokenPageDto } from "@/lib/shared/contracts/tokens";
import { apiFetch } from "./api";
import { auditKeys } from "./audit";
import { useKeysetPages } from "./use-keyset-pages";

export type TokenListFilters = { user?: string; active?: "1" };

export const tokenKeys = {
  all: ["tokens"] as const,
  mine: () => [...tokenKeys.all, "mine"] as const,
  everyone: (filters: TokenListFilters) => [...tokenKeys.all, "everyone", filters] as const,
};

/** The signed-in person's own tokens (any role), newest first, a page at a time ("Load more"). */
export function useMyTokens() {
  return useKeysetPages<TokenPageDto>(tokenKeys.mine(), "/api/tokens", { mine: "1", limit: String(TOKENS_PAGE_SIZE) }, "cursor");
}

/** Everyone's tokens, for admins, newest first, a page at a time ("Load more"). */
export function useAllTokens(filters: TokenListFilters) {
  return useKeysetPages<TokenPageDto>(tokenKeys.everyone(filters), "/api/tokens", { ...filters, limit: String(TOKENS_PAGE_SIZE) }, "cursor");
}

/** Every token loaded so far, across pages; undefined until the first page arrives. */
export function loadedTokens(pages: readonly TokenPageDto[] | undefined): TokenDto[] | undefined {
  return pages?.flatMap((p) => p.tokens);
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
