import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ApprovalStatus } from "@/lib/shared/contracts/approvals";

const STATUS: Record<ApprovalStatus, { label: string; tone: BadgeTone }> = {
  pending: { label: "pending", tone: "warning" },
  approved: { label: "approved", tone: "success" },
  rejected: { label: "rejected", tone: "danger" },
  timed_out: { label: "timed out", tone: "neutral" },
  withdrawn: { label: "withdrawn", tone: "neutral" },
};

export function ApprovalStatusBadge({ status }: { status: ApprovalStatus }) {
  const s = STATUS[status] ?? { label: status, tone: "neutral" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
