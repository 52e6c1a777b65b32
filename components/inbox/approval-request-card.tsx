"use client";

import clsx from "clsx";
import Link from "next/link";
import type { Ref } from "react";
import { ParamsTable } from "@/components/player/params-table";
import { SqlHighlight } from "@/components/player/sql-highlight";
import { ActorBadge } from "@/components/sessions/actor-badge";
import { RequesterIdentity } from "@/components/sessions/requester-identity";
import { DateTime } from "@/components/ui/date-time";
import { useIsClient } from "@/components/ui/use-is-client";
import { useNow } from "@/components/ui/use-now";
import { describeRequester, type ApprovalRequestDto } from "@/lib/shared/contracts/approvals";
import { ApprovalStatusBadge } from "./approval-status-badge";
import { DecisionForm, type DecisionActions, type Reviewer } from "./decision-form";
import { HoldReasons } from "./hold-reasons";
import { TimeLeft } from "./time-left";

type ApprovalRequestCardProps = {
  request: ApprovalRequestDto;
  reviewer: Reviewer;
  /** On the detail page the card is the page: no link to itself. */
  hasDetailLink?: boolean;
  /** Chosen with the inbox's j/k keys: highlighted, and what a and r act on. */
  isSelected?: boolean;
  actionsRef?: Ref<DecisionActions>;
  cardRef?: Ref<HTMLElement>;
};

/** A held statement with everything a reviewer needs to decide: who, where, what, why, and how long is left. */
export function ApprovalRequestCard({ request, reviewer, hasDetailLink = true, isSelected = false, actionsRef, cardRef }: ApprovalRequestCardProps) {
  const now = useNow(1000);
  const isClient = useIsClient();
  // Past its expiry a request cannot be decided, even before the gateway (or the next refetch) says so.
  const isOpen = request.status === "pending" && (!isClient || Date.parse(request.expiresAt) > now);
  const shownStatus = request.status === "pending" && !isOpen ? "timed_out" : request.status;
  return (
    <article
      ref={cardRef}
      aria-label={`Request from ${describeRequester(request.requester, request.requesterMintedBy)}`}
      aria-current={isSelected || undefined}
      // Focusable from script only: j/k move focus here, so a screen reader reads the selected request.
      tabIndex={-1}
      className={clsx(
        "scroll-mt-4 rounded-lg border bg-white shadow-xs focus:outline-none",
        isSelected ? "border-brand-500 ring-2 ring-brand-500/40" : "border-slate-200",
      )}
    >
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">
              <RequesterIdentity subject={request.requester} mintedBy={request.requesterMintedBy} />
            </span>
            <ActorBadge kind={request.actorKind} agentName={request.agentName} />
            <span className="text-sm text-slate-500">
              on <span className="font-medium text-slate-700">{request.connectionName}</span>
            </span>
          </div>
          <p className="text-xs text-slate-500">
            {isClient && <DateTime value={request.createdAt} isRelative />}
            {request.applicationName && <> · {request.applicationName}</>}
            {request.clientAddress && <> · from {request.clientAddress}</>}
            {" · "}
            {request.protocol} protocol
          </p>
        </div>
        <div className="flex items-center gap-3">
          {isOpen ? <TimeLeft expiresAt={request.expiresAt} now={now} /> : <ApprovalStatusBadge status={shownStatus} />}
          {hasDetailLink && (
            <Link href={`/approvals/${request.id}`} className="text-sm font-medium text-brand-700 hover:underline">
              Details
            </Link>
          )}
        </div>
      </header>
      <div className="space-y-3 px-4 py-3">
        <HoldReasons request={request} />
        <section aria-label="SQL">
          <SqlHighlight sql={request.sql} />
        </section>
        {request.params && request.params.length > 0 && <ParamsTable params={request.params} />}
        <p className="text-xs text-slate-500">
          Needs {request.minApprovals === 1 ? "one approval" : `${request.minApprovals} approvals`} from {request.reviewerGroups.join(", ")}.
        </p>
        {isOpen ? <DecisionForm request={request} reviewer={reviewer} actionsRef={actionsRef} /> : <DecisionOutcome request={request} />}
      </div>
    </article>
  );
}

function DecisionOutcome({ request }: { request: ApprovalRequestDto }) {
  if (request.status === "pending") return <p className="text-sm text-slate-600">Nobody decided in time; the statement was not run.</p>;
  return (
    <p className="text-sm text-slate-700">
      <ApprovalStatusBadge status={request.status} />
      {request.decidedBy && <> by {request.decidedBy}</>}
      {request.decisionComment && <> · “{request.decisionComment}”</>}
    </p>
  );
}
