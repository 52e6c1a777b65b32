import { useMutation } from "@tanstack/react-query";
import type { AuditVerificationDto } from "@/lib/shared/contracts/audit-verification";
import { apiFetch } from "./api";

/** Runs the audit trail's check on the server (the console's "Verify chain"). */
export function useVerifyAuditTrail() {
  return useMutation({ mutationFn: () => apiFetch<AuditVerificationDto>("/api/audit/verify", { method: "POST" }) });
}
