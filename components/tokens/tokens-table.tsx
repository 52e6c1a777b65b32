"use client";

import clsx from "clsx";
import { useState, type ReactNode } from "react";
import { ActorBadge } from "@/components/sessions/actor-badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { useRevokeToken } from "@/lib/client/tokens";
import type { TokenDto } from "@/lib/shared/contracts/tokens";
import { TokenStatusBadge } from "./token-status-badge";

/** What the table needs of its keyset-paged query (lib/client/use-keyset-pages.ts) for "Load more". */
type TokenPaging = { hasNextPage: boolean; isFetchingNextPage: boolean; isPlaceholderData: boolean; fetchNextPage: () => unknown };

type TokensTableProps = {
  label: string;
  tokens: TokenDto[] | undefined;
  isLoading: boolean;
  paging: TokenPaging;
  /** Admins' list of everyone's tokens shows whose each one is. */
  showHolder?: boolean;
  emptyState: ReactNode;
};

/**
 * Tokens (never the token itself: the hint is its first characters), with Revoke for active ones;
 * newest first as the server pages them (re-sorting loaded pages would mislead), "Load more" for older.
 */
export function TokensTable({ label, tokens, isLoading, paging, showHolder = false, emptyState }: TokensTableProps) {
  const revoke = useRevokeToken();
  const [revoking, setRevoking] = useState<TokenDto | null>(null);

  const columns: DataTableColumn<TokenDto>[] = [
    { key: "hint", header: "Token", className: "whitespace-nowrap", cell: (t) => <span className="font-mono text-xs text-slate-900">{t.hint}…</span> },
    ...(showHolder
      ? [
          {
            key: "user",
            header: "User",
            cell: (t: TokenDto) => (
              <div className="truncate md:max-w-64" title={t.userName}>
                {t.userName}
              </div>
            ),
          },
        ]
      : []),
    {
      key: "connection",
      header: "Connection",
      cell: (t) => (
        <div className="truncate font-mono text-xs md:max-w-36" title={t.connectionName}>
          {t.connectionName}
        </div>
      ),
    },
    {
      key: "actor",
      header: "Actor",
      cell: (t) => (
        <div className="flex items-center gap-1.5 whitespace-nowrap">
          <ActorBadge kind={t.actorKind} />
          {t.agentName && (
            <span className="truncate font-mono text-xs text-slate-700 md:max-w-32" title={t.agentName}>
              {t.agentName}
            </span>
          )}
        </div>
      ),
    },
    { key: "created", header: "Created", className: "whitespace-nowrap", cell: (t) => <DateTime value={t.createdAt} isRelative /> },
    { key: "expires", header: "Expires", className: "whitespace-nowrap", cell: (t) => <DateTime value={t.expiresAt} isRelative /> },
    {
      key: "used",
      header: "Last used",
      className: "whitespace-nowrap",
      cell: (t) => (t.lastUsedAt ? <DateTime value={t.lastUsedAt} isRelative /> : <span className="text-slate-400">never</span>),
    },
    {
      key: "status",
      header: "Status",
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
      <div className={clsx(paging.isPlaceholderData && "opacity-60 transition-opacity")}>
        <DataTable label={label} columns={columns} rows={tokens} getRowKey={(t) => t.id} isLoading={isLoading} emptyState={emptyState} />
      </div>
      {tokens !== undefined && tokens.length > 0 && (
        <footer className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-500">
          <span aria-live="polite">
            {tokens.length === 1 ? "1 token" : `${tokens.length.toLocaleString()} tokens`}
            {paging.hasNextPage ? " so far" : " · that is all"}
          </span>
          {paging.hasNextPage && (
            <Button onClick={() => paging.fetchNextPage()} isLoading={paging.isFetchingNextPage} disabled={paging.isPlaceholderData}>
              Load more
            </Button>
          )}
        </footer>
      )}
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
