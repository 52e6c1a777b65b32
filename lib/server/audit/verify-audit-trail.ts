import "server-only";
import { describeVerifiedRange } from "@/lib/audit/describe-verified-range";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import type { Db } from "@/lib/db/create-db";
import type { AuditVerificationDto } from "@/lib/shared/contracts/audit-verification";

/** The console's "Verify chain": the same check as `warden verify`, with the installation's key for checkpoints. */
export async function verifyAuditTrail(db: Db, secretKey: Buffer): Promise<AuditVerificationDto> {
  const report = await verifyAuditChain(db, { secretKey });
  return {
    isIntact: report.isIntact,
    checked: report.checked,
    waiting: report.waiting,
    lastHash: report.lastHash,
    range: report.range,
    problems: report.problems,
    summary: describeVerifiedRange(report.range),
  };
}
