"use client";

import { describeEndReason } from "@/lib/shared/end-reasons";
import type { ReactNode } from "react";
import { ActorBadge } from "@/components/sessions/actor-badge";
import { RequesterIdentity } from "@/components/sessions/requester-identity";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatElapsed } from "@/components/ui/format-duration";
import { Skeleton } from "@/components/ui/skeleton";
import { DateTime } from "@/components/ui/date-time";
import { useIsClient } from "@/components/ui/use-is-client";
import type { SessionDto } from "@/lib/shared/contracts/sessions";

/** Who connected, how, from where, to what, and when: the session's identity as the gateway recorded it. */
export function SessionIdentity({ session: s }: { session: SessionDto }) {
  // The session arrives with the page; times wait for the browser, which knows the viewer's time zone.
  const isClient = useIsClient();
  const time = (iso: string) => (isClient ? <DateTime value={iso} /> : <Skeleton className="w-36" />);
  const count = (n: number) => (isClient ? n.toLocaleString() : String(n));
  return (
    <Card title="Identity" description="As the gateway recorded it at sign-in.">
      <dl className="grid gap-x-6 gap-y-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <Item label="User">
          <RequesterIdentity subject={s.userName} mintedBy={s.tokenMintedBy} />
        </Item>
        <Item label="Actor">
          <ActorBadge kind={s.actorKind} agentName={s.agentName} />
        </Item>
        <Item label="Application">{s.applicationName ? <Mono>{s.applicationName}</Mono> : "—"}</Item>
        <Item label="Client address">
          <Mono>{s.clientAddress}</Mono>
        </Item>
        <Item label="Connection">
          <Mono>{s.connectionName}</Mono>
        </Item>
        <Item label="Transport">
          <span className="inline-flex flex-wrap items-center gap-1.5">
            {s.isTls ? <Badge tone="success">TLS</Badge> : <Badge tone="warning">no TLS</Badge>}
            <span className="text-xs text-slate-600">protocol {s.protocolVersion}</span>
          </span>
        </Item>
        <Item label="Signed in with">
          {s.authMethod === "token" ? "Warden token" : "JWT"}
          {s.groups.length > 0 && <span className="ml-1 text-xs text-slate-500">({s.groups.join(", ")})</span>}
        </Item>
        <Item label="Recording">
          {s.recordingMode} <span className="text-xs text-slate-500">on {s.gatewayInstance}</span>
        </Item>
        <Item label="Started">{time(s.startedAt)}</Item>
        <Item label="Ended">
          {s.endedAt ? (
            <span className="inline-flex flex-wrap items-center gap-1.5">
              {time(s.endedAt)}
              <span className="text-xs text-slate-500">after {formatElapsed(s.startedAt, s.endedAt)}</span>
            </span>
          ) : (
            <Badge tone="brand">open</Badge>
          )}
        </Item>
        <Item label="End reason">{s.endReason ? <span title={s.endReason}>{describeEndReason(s.endReason)}</span> : "—"}</Item>
        <Item label="Statements">
          <span className="tabular-nums">
            {count(s.statementCount)}
            {s.errorCount > 0 && <span className="ml-1 font-semibold text-red-700">({count(s.errorCount)} failed or blocked)</span>}
          </span>
        </Item>
      </dl>
    </Card>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}

function Mono({ children }: { children: ReactNode }) {
  return <span className="font-mono text-xs break-all">{children}</span>;
}
