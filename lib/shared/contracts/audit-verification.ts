/** What the console shows of a check of the audit trail (lib/audit/verify-chain.ts's report, as sent). */
export type AuditVerificationDto = {
  isIntact: boolean;
  checked: number;
  /** Gateway events not chained yet: not part of the check. */
  waiting: number;
  lastHash: string;
  range: {
    firstSeq: number | null;
    lastSeq: number | null;
    firstOccurredAt: string | null;
    lastOccurredAt: string | null;
    anchor: { kind: "genesis" } | { kind: "checkpoint"; checkpointId: number; createdAt: string; droppedBefore: string; isSignatureValid: boolean };
  };
  problems: { seq: number; problem: "gap" | "broken_link" | "altered" | "checkpoint"; detail: string }[];
  /** The range in one sentence, as `warden verify` prints it. */
  summary: string;
};
