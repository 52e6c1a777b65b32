import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { EndSessionInput } from "@/lib/shared/contracts/end-session";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { apiFetch } from "./api";
import { sessionKeys } from "./sessions";

/** An admin ends a live session, with a reason; the session lists refresh once it is recorded. */
export function useEndSession(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: EndSessionInput) => apiFetch<SessionDto>(`/api/sessions/${encodeURIComponent(sessionId)}/end`, { method: "POST", json: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}
