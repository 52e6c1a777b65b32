"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { useConnections } from "@/lib/client/connections";
import type { ConnectionDto, ConnectionWithActivityDto, SslMode } from "@/lib/shared/contracts/connections";
import { credentialExposureWarning } from "@/lib/shared/upstream-credential";
import { ConnectionHealthBadge, SessionCounts } from "./connection-health";

/** Green only where the server's certificate is verified: anything less can hand the sign-in to an impostor. */
const SSL_TONES: Record<SslMode, BadgeTone> = {
  disable: "danger",
  prefer: "warning",
  require: "warning",
  "verify-ca": "success",
  "verify-full": "success",
};

/** The SSL mode, and a visible warning (with the reason as its accessible description) when TLS is not verified. */
function SslCell({ c }: { c: ConnectionDto }) {
  const warning = credentialExposureWarning(c);
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <Badge tone={SSL_TONES[c.sslmode]} isMono>
        {c.sslmode}
      </Badge>
      {warning && (
        <span title={warning} data-testid="credential-warning">
          <Badge tone="warning">{c.sslmode === "disable" ? "⚠ credential without TLS" : "⚠ server not verified"}</Badge>
          <span className="sr-only">{warning}</span>
        </span>
      )}
    </span>
  );
}

// No "Updated" column: health and sessions say more at a glance, and the table fits at 1440 px without scrolling.
const COLUMNS: DataTableColumn<ConnectionWithActivityDto>[] = [
  {
    key: "name",
    header: "Name",
    sortValue: (c) => c.name,
    cell: (c) => (
      <Link
        href={`/connections/${c.id}`}
        className="rounded font-mono font-medium text-brand-700 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
      >
        {c.name}
      </Link>
    ),
  },
  {
    key: "target",
    header: "Server",
    sortValue: (c) => `${c.host}:${c.port}/${c.database}`,
    cell: (c) => <span className="font-mono text-xs">{`${c.host}:${c.port}/${c.database}`}</span>,
  },
  {
    key: "user",
    header: "User",
    sortValue: (c) => c.username,
    cell: (c) => (
      <span className="inline-flex flex-wrap items-center gap-1.5">
        <span className="font-mono text-xs">{c.username}</span>
        {!c.hasPassword && <Badge tone="warning">no password</Badge>}
      </span>
    ),
  },
  { key: "sslmode", header: "SSL", sortValue: (c) => c.sslmode, cell: (c) => <SslCell c={c} /> },
  {
    key: "groups",
    header: "Allowed groups",
    sortValue: (c) => c.allowedGroups.join(" "),
    cell: (c) =>
      c.allowedGroups.length === 0 ? (
        <span className="text-xs text-slate-400">none</span>
      ) : (
        <span className="flex max-w-xs flex-wrap gap-1">
          {c.allowedGroups.map((g) => (
            <Badge key={g} tone="brand" isMono>
              {g}
            </Badge>
          ))}
        </span>
      ),
  },
  {
    key: "description",
    header: "Description",
    cell: (c) => (
      <span title={c.description} className="line-clamp-2 max-w-xs text-slate-500">
        {c.description}
      </span>
    ),
  },
  {
    key: "health",
    header: "Health",
    // Failed first when sorted ascending, then untested, then healthy.
    sortValue: (c) => (c.health ? (c.health.isOk ? 2 : 0) : 1),
    cell: (c) => <ConnectionHealthBadge health={c.health} />,
  },
  {
    key: "sessions",
    header: "Sessions",
    sortValue: (c) => c.sessionCounts.open * 1e9 + c.sessionCounts.last24h,
    cell: (c) => <SessionCounts connectionId={c.id} counts={c.sessionCounts} />,
  },
];

/** The connection catalog; a row opens the connection. */
export function ConnectionsTable() {
  const router = useRouter();
  const connections = useConnections();
  if (connections.isError) {
    return (
      <Alert tone="danger" title="Could not load the connections" actions={<Button size="sm" onClick={() => connections.refetch()}>Retry</Button>}>
        {connections.error.message}
      </Alert>
    );
  }
  return (
    <Card isPadded={false}>
      <DataTable
        label="Connections"
        columns={COLUMNS}
        rows={connections.data}
        getRowKey={(c) => c.id}
        isLoading={connections.isPending}
        defaultSort={{ key: "name", direction: "asc" }}
        onRowClick={(c) => router.push(`/connections/${c.id}`)}
        emptyState={
          <EmptyState
            title="No connections yet"
            description="Register a PostgreSQL database so people and agents can reach it through the gateway, with policy and recording."
            action={
              <ButtonLink href="/connections/new" variant="primary">
                Add your first connection
              </ButtonLink>
            }
          />
        }
      />
    </Card>
  );
}
