import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  CurrentPolicyDto,
  MaskingPreviewDto,
  MaskingPreviewInput,
  PolicyPreviewDto,
  PolicyPreviewInput,
  PolicyVersionDto,
  PolicyVersionSummaryDto,
  RestorePolicyInput,
  SavePolicyInput,
} from "@/lib/shared/contracts/policies";
import { apiFetch } from "./api";
import { auditKeys } from "./audit";

export const policyKeys = {
  all: ["policies"] as const,
  current: (connectionId: string) => [...policyKeys.all, "current", connectionId] as const,
  versions: (connectionId: string) => [...policyKeys.all, "versions", connectionId] as const,
  version: (connectionId: string, version: number) => [...policyKeys.all, "version", connectionId, version] as const,
  maskingPreview: (connectionId: string, input: MaskingPreviewInput) => [...policyKeys.all, "masking-preview", connectionId, input] as const,
};

const policyPath = (connectionId: string) => `/api/connections/${encodeURIComponent(connectionId)}/policy`;

/** `initialData` lets the server-rendered page hand over the policy it already loaded. */
export function useCurrentPolicy(connectionId: string, initialData?: CurrentPolicyDto) {
  return useQuery({
    queryKey: policyKeys.current(connectionId),
    queryFn: () => apiFetch<CurrentPolicyDto>(policyPath(connectionId)),
    initialData,
    // A refetch on focus would not touch the draft, but would change the base version under it unseen.
    refetchOnWindowFocus: false,
  });
}

export function usePolicyVersions(connectionId: string) {
  return useQuery({ queryKey: policyKeys.versions(connectionId), queryFn: () => apiFetch<PolicyVersionSummaryDto[]>(`${policyPath(connectionId)}/versions`) });
}

/** A saved version never changes, so once loaded it is kept. Version 0 (the implicit default) is never fetched. */
export function usePolicyVersion(connectionId: string, version: number | undefined) {
  return useQuery({
    queryKey: policyKeys.version(connectionId, version ?? -1),
    queryFn: () => apiFetch<PolicyVersionDto>(`${policyPath(connectionId)}/versions/${version}`),
    enabled: version !== undefined && version > 0,
    staleTime: Infinity,
  });
}

export function useSavePolicy(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SavePolicyInput) => apiFetch<PolicyVersionDto>(policyPath(connectionId), { method: "POST", json: input }),
    onSuccess: (saved) => {
      queryClient.setQueryData<CurrentPolicyDto>(policyKeys.current(connectionId), { ...saved, isDefault: false });
      queryClient.setQueryData(policyKeys.version(connectionId, saved.version), saved);
      void queryClient.invalidateQueries({ queryKey: policyKeys.versions(connectionId) });
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
    },
  });
}

/** Saves version N's document as the next version; the editor then runs on it like on any save. */
export function useRestorePolicyVersion(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, ...input }: RestorePolicyInput & { version: number }) =>
      apiFetch<PolicyVersionDto>(`${policyPath(connectionId)}/versions/${version}/restore`, { method: "POST", json: input }),
    onSuccess: (saved) => {
      queryClient.setQueryData<CurrentPolicyDto>(policyKeys.current(connectionId), { ...saved, isDefault: false });
      queryClient.setQueryData(policyKeys.version(connectionId, saved.version), saved);
      void queryClient.invalidateQueries({ queryKey: policyKeys.versions(connectionId) });
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
    },
  });
}

/** Classifies and evaluates SQL on the server; nothing is cached, each check is a fresh answer. */
export function usePolicyPreview() {
  return useMutation({
    mutationFn: (input: PolicyPreviewInput) => apiFetch<PolicyPreviewDto>("/api/policy-preview", { method: "POST", json: input }),
  });
}

/**
 * Sample rows of a table masked on the server with a draft masking section. Keyed by the draft, so
 * each change (debounce it first) is a fresh read; the previous rows stay on screen meanwhile.
 */
export function useMaskingPreview(connectionId: string, input: MaskingPreviewInput | null) {
  return useQuery({
    queryKey: policyKeys.maskingPreview(connectionId, input ?? { masking: null, table: { schema: "", name: "" } }),
    queryFn: () => apiFetch<MaskingPreviewDto>(`/api/connections/${encodeURIComponent(connectionId)}/masking-preview`, { method: "POST", json: input }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    // Each read connects to the target: not again on focus, and only the current draft is worth keeping.
    refetchOnWindowFocus: false,
    staleTime: 30_000,
    gcTime: 60_000,
    retry: false,
  });
}
