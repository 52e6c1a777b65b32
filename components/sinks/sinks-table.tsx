"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { DateTime } from "@/components/ui/date-time";
import { useSinks } from "@/lib/client/sinks";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { RetrySinkButton } from "./retry-sink-button";
import { sinkDestination, SinkStateBadge } from "./sink-state-badge";

const STATE_ORDER = { dead: 0, retrying: 1, active: 2 } as const;

const COLUMNS: DataTableColumn<EventSinkDto>[] = [
  {
    key: "name",
    header: "Name",
    sortValue: (s) => s.name,
    cell: (s) => (
      <span className="inline-flex flex-col items-start gap-1">
        <Link
          href={`/sinks/${s.id}`}
          className="rounded font-mono font-medium text-brand-700 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
        >
          {s.name}
        </Link>
        {s.source === "environment" && (
          <span title="Set by WARDEN_SINK_* variables; read-only in the console.">
            <Badge tone="neutral">environment</Badge>
          </span>
        )}
      </span>
    ),
  },
  { key: "kind", header: "Kind", sortValue: (s) => s.kind, cell: (s) => <Badge isMono>{s.kind}</Badge> },
  {
    key: "destination",
    header: "Destination",
    sortValue: sinkDestination,
    cell: (s) => (
      <span title={sinkDestination(s)} className="block max-w-xs truncate font-mono text-xs">
        {sinkDestination(s)}
      </span>
    ),
  },
  {
    key: "filters",
    header: "Event types",
    cell: (s) =>
      s.eventTypes.length === 0 ? (
        <span className="text-xs text-slate-400">all</span>
      ) : (
        <span className="flex max-w-xs flex-wrap gap-1">
          {s.eventTypes.map((t) => (
            <Badge key={t} tone="brand" isMono>
              {t}
            </Badge>
          ))}
        </span>
      ),
  },
  {
    key: "state",
    header: "State",
    sortValue: (s) => STATE_ORDER[s.state],
    cell: (s) => (
      <span className="inline-flex flex-col items-start gap-1">
        <SinkStateBadge sink={s} />
        {s.state !== "active" && s.lastError && (
          <span title={s.lastError} className="line-clamp-2 max-w-xs text-xs text-red-700">
            {s.lastError}
          </span>
        )}
      </span>
    ),
  },
  {
    key: "delivered",
    header: "Delivered seq",
    sortValue: (s) => s.deliveredSeq,
    className: "text-right",
    cell: (s) => <span className="font-mono text-xs tabular-nums">{s.deliveredSeq}</span>,
  },
  {
    key: "lag",
    header: "Lag",
    sortValue: (s) => s.lag,
    className: "text-right",
    cell: (s) => <span className={s.lag > 0 ? "font-medium tabular-nums text-amber-700" : "tabular-nums text-slate-500"}>{s.lag === 0 ? "0" : `${s.lag} behind`}</span>,
  },
  {
    key: "lastDelivered",
    header: "Last delivered",
    sortValue: (s) => (s.lastDeliveredAt ? Date.parse(s.lastDeliveredAt) : 0),
    cell: (s) => (s.lastDeliveredAt ? <DateTime value={s.lastDeliveredAt} isRelative /> : <span className="text-xs text-slate-400">never</span>),
  },
  { key: "actions", header: "", cell: (s) => (s.state === "active" ? null : <RetrySinkButton sink={s} />) },
];

/** Every sink, refreshed every few seconds so lag and state stay live; dead sinks are called out above the table. */
export function SinksTable() {
  const router = useRouter();
  const sinks = useSinks();
  if (sinks.isError && !sinks.data) {
    return (
      <Alert tone="danger" title="Could not load the event sinks" actions={<Button size="sm" onClick={() => sinks.refetch()}>Retry</Button>}>
        {sinks.error.message}
      </Alert>
    );
  }
  const dead = sinks.data?.filter((s) => s.state === "dead") ?? [];
  return (
    <div className="space-y-4">
      {dead.length > 0 && (
        <Alert tone="danger" title={dead.length === 1 ? "1 sink is dead" : `${dead.length} sinks are dead`}>
          {`Delivery to ${dead.map((s) => s.name).join(", ")} stopped after repeated failures; no event is skipped. Fix the destination, then press Retry.`}
        </Alert>
      )}
      <Card isPadded={false}>
        <DataTable
          label="Event sinks"
          columns={COLUMNS}
          rows={sinks.data}
          getRowKey={(s) => s.id}
          isLoading={sinks.isPending}
          defaultSort={{ key: "state", direction: "asc" }}
          onRowClick={(s) => router.push(`/sinks/${s.id}`)}
          emptyState={
            <EmptyState
              title="No event sinks yet"
              description="Send every audit event to your SIEM's webhook, a JSON-lines file or standard output. Sinks can also be set with WARDEN_SINK_* variables."
              action={
                <ButtonLink href="/sinks/new" variant="primary">
                  Add your first sink
                </ButtonLink>
              }
            />
          }
        />
      </Card>
    </div>
  );
}
