"use client";

import { useState, type ReactNode } from "react";
import { ActorBadge } from "@/components/sessions/actor-badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { useRevokeToken } from "@/lib/client/tokens";
import type { TokenDto } from "@/lib/shared/contracts/tokens";
import { TokenStatusBadge } from "./token-status-badge";

type TokensTableProps = {
  label: string;
  tokens: TokenDto[] | undefined;
  isLoading: boolean;
  /** Admins' list of everyone's tokens shows whose each one is. */
  showHolder?: boolean;
  emptyState: ReactNode;
};

/** Tokens (never the token itself: the hint is its first characters), with Revoke for active ones. */
export function TokensTable({ label, tokens, isLoading, showHolder = false, emptyState }: TokensTableProps) {
  const revoke = useRevokeToken();
  const [revoking, setRevoking] = useState<TokenDto | null>(null);

  const columns: DataTableColumn<TokenDto>[] = [
    { key: "hint", header: "Token", sortValue: (t) => t.hint, cell: (t) => <span className="font-mono text-xs text-slate-900">{t.hint}…</span> },
    ...(showHolder ? [{ key: "user", header: "User", sortValue: (t: TokenDto) => t.userName, cell: (t: TokenDto) => <span className="break-all">{t.userName}</span> }] : []),
    { key: "connection", header: "Connection", sortValue: (t) => t.connectionName, cell: (t) => <span className="font-mono text-xs">{t.connectionName}</span> },
    { key: "actor", header: "Actor", sortValue: (t) => `${t.actorKind} ${t.agentName ?? ""}`, cell: (t) => <ActorBadge kind={t.actorKind} agentName={t.agentName} /> },
    { key: "created", header: "Created", sortValue: (t) => Date.parse(t.createdAt), cell: (t) => <DateTime value={t.createdAt} isRelative /> },
    { key: "expires", header: "Expires", sortValue: (t) => Date.parse(t.expiresAt), cell: (t) => <DateTime value={t.expiresAt} isRelative /> },
    {
      key: "used",
      header: "Last used",
      sortValue: (t) => (t.lastUsedAt ? Date.parse(t.lastUsedAt) : null),
      cell: (t) => (t.lastUsedAt ? <DateTime value={t.lastUsedAt} isRelative /> : <span className="text-slate-400">never</span>),
    },
    {
      key: "status",
      header: "Status",
      sortValue: (t) => t.status,
      cell: (t) => (
        <span className="inline-flex flex-col gap-0.5">
          <TokenStatusBadge status={t.status} />
          {t.revokedBy && <span className="text-xs text-slate-500">by {t.revokedBy}</span>}
        </span>
      ),
    },
    {
      key: "actions",
      header: "",
      className: "text-right",
      cell: (t) =>
        t.status === "active" && (
          <Button
            size="sm"
            aria-label={`Revoke token ${t.hint}`}
            // While the dialog is open its confirm button carries a similar name; hiding this one keeps names unique.
            aria-hidden={revoking?.id === t.id || undefined}
            onClick={() => {
              revoke.reset();
              setRevoking(t);
            }}
          >
            Revoke
          </Button>
        ),
    },
  ];

  return (
    <>
      <DataTable label={label} columns={columns} rows={tokens} getRowKey={(t) => t.id} isLoading={isLoading} emptyState={emptyState} defaultSort={{ key: "created", direction: "desc" }} />
      <ConfirmDialog
        isOpen={revoking !== null}
        title={`Revoke ${revoking?.hint ?? ""}…?`}
        description={
          <p>
            {revoking?.userName} can no longer sign in to <span className="font-mono">{revoking?.connectionName}</span> with this token, and sessions
            using it end within a minute. The revocation is recorded in the audit log.
          </p>
        }
        confirmLabel="Revoke token"
        isPending={revoke.isPending}
        error={revoke.error?.message}
        onCancel={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
      />
    </>
  );
}
