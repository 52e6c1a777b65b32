"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { DateTime } from "@/components/ui/date-time";
import { useGrants, useRevokeGrant } from "@/lib/client/approvals";
import type { ApprovalGrantDto } from "@/lib/shared/contracts/approvals";

const STATUS_TONES: Record<ApprovalGrantDto["status"], BadgeTone> = { active: "success", expired: "neutral", revoked: "danger" };

/** Time-boxed grants: who may run which exact statement, or statement shape, where without asking, until when; revocable. */
export function GrantsTable() {
  const [isActiveOnly, setActiveOnly] = useState(true);
  const grants = useGrants({ isActiveOnly });
  const revoke = useRevokeGrant();
  const [revoking, setRevoking] = useState<ApprovalGrantDto | null>(null);

  const columns: DataTableColumn<ApprovalGrantDto>[] = [
    { key: "user", header: "User", cell: (g) => <span className="text-slate-900">{g.userName}</span>, sortValue: (g) => g.userName },
    { key: "connection", header: "Connection", cell: (g) => g.connectionName ?? <span className="text-slate-400">deleted</span>, sortValue: (g) => g.connectionName },
    {
      key: "sql",
      header: "Statement",
      cell: (g) => (
        <div className="max-w-md space-y-1">
          <Badge tone={g.scope === "fingerprint" ? "warning" : "neutral"}>{g.scope === "fingerprint" ? "any statement of this shape" : "this exact statement"}</Badge>
          <code className="block truncate font-mono text-xs text-slate-900" title={g.sqlSample}>
            {g.sqlSample}
          </code>
          <code className="block truncate font-mono text-[11px] text-slate-400" title="Fingerprint: the same for statements that differ only in constants">
            {g.fingerprint}
          </code>
        </div>
      ),
    },
    {
      key: "expires",
      header: "Expires",
      cell: (g) => (
        <div className="space-y-1">
          <Badge tone={STATUS_TONES[g.status]}>{g.status}</Badge>
          <div className="text-xs text-slate-500">
            <DateTime value={g.revokedAt ?? g.expiresAt} isRelative />
          </div>
        </div>
      ),
      sortValue: (g) => Date.parse(g.expiresAt),
    },
    { key: "createdBy", header: "Granted by", cell: (g) => g.createdBy, sortValue: (g) => g.createdBy },
    {
      key: "actions",
      header: "",
      cell: (g) =>
        g.status === "active" ? (
          <Button size="sm" variant="danger" onClick={() => setRevoking(g)} aria-label={`Revoke the grant for ${g.userName}: ${g.sqlSample.slice(0, 60)}`}>
            Revoke
          </Button>
        ) : g.revokedBy ? (
          <span className="text-xs text-slate-500">by {g.revokedBy}</span>
        ) : null,
      className: "text-right",
    },
  ];

  return (
    <>
      <Card isPadded={false} actions={<Checkbox label="Active only" checked={isActiveOnly} onChange={(e) => setActiveOnly(e.target.checked)} />} title="Grants">
        {grants.isError && (
          <Alert tone="danger" className="m-4" actions={<Button size="sm" onClick={() => grants.refetch()}>Retry</Button>}>
            {grants.error.message}
          </Alert>
        )}
        <DataTable
          label="Time-boxed grants"
          columns={columns}
          rows={grants.data}
          getRowKey={(g) => g.id}
          isLoading={grants.isPending}
          defaultSort={{ key: "expires", direction: "asc" }}
          emptyState={
            <EmptyState
              title={isActiveOnly ? "No grant is in force" : "No grants yet"}
              description="A reviewer creates one by approving a statement, or explicitly its shape, for some minutes, when the rule allows it."
            />
          }
        />
      </Card>
      <ConfirmDialog
        isOpen={revoking !== null}
        title="Revoke this grant?"
        description={
          <>
            The next such statement from <strong>{revoking?.userName}</strong> waits for a reviewer again.
          </>
        }
        confirmLabel="Revoke"
        isPending={revoke.isPending}
        error={revoke.error?.message}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
        onCancel={() => {
          revoke.reset();
          setRevoking(null);
        }}
      />
    </>
  );
}
