"use client";

import { usePendingApprovalCount } from "@/lib/client/approvals";

/** The number of requests waiting, next to "Approvals"; nothing when none wait or it is unknown. */
export function PendingApprovalsBadge() {
  const { data: count } = usePendingApprovalCount({ isEnabled: true });
  if (!count) return null;
  return (
    <span className="ml-auto rounded-full bg-amber-500 px-1.5 py-0.5 text-xs leading-none font-semibold text-white tabular-nums">
      <span aria-hidden>{count}</span>
      <span className="sr-only">, {count} pending</span>
    </span>
  );
}
