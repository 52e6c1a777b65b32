"use client";

import clsx from "clsx";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { DateTime } from "@/components/ui/date-time";
import type { AuditLogEventDto } from "@/lib/shared/contracts/audit";
import { actionTone } from "./action-tone";
import { AuditEventDetails } from "./audit-event-details";
import { AuditStatementInline } from "./audit-statement-inline";
import { sessionLinkHref, sessionLinkLabel } from "./session-link-href";

export const AUDIT_COLUMN_COUNT = 5;

type AuditEventRowProps = { event: AuditLogEventDto; isExpanded: boolean; onToggle: () => void };

/** One event; a click anywhere on the row (or the chevron button, for keyboards) shows its changes. */
export function AuditEventRow({ event, isExpanded, onToggle }: AuditEventRowProps) {
  const detailsId = `audit-event-${event.seq}`;
  return (
    <>
      <tr
        onClick={(e) => {
          if (!(e.target as HTMLElement).closest("button, a") && !window.getSelection()?.toString()) onToggle();
        }}
        className={clsx("cursor-pointer align-top hover:bg-slate-50", isExpanded && "bg-slate-50")}
      >
        <td className="w-10 py-2.5 pl-3">
          <button
            type="button"
            onClick={onToggle}
            aria-expanded={isExpanded}
            aria-controls={isExpanded ? detailsId : undefined}
            className="grid h-6 w-6 place-items-center rounded text-slate-400 hover:bg-slate-200 hover:text-slate-700 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
          >
            <span className="sr-only">{`Details of event ${event.seq}`}</span>
            <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className={clsx("h-4 w-4 transition-transform", isExpanded && "rotate-90")}>
              <path fillRule="evenodd" d="M7.2 14.8a.75.75 0 0 1 0-1.06L10.94 10 7.2 6.26a.75.75 0 1 1 1.06-1.06l4.27 4.27a.75.75 0 0 1 0 1.06L8.26 14.8a.75.75 0 0 1-1.06 0Z" clipRule="evenodd" />
            </svg>
          </button>
        </td>
        <td className="px-4 py-3 text-slate-600">
          <DateTime value={event.occurredAt} />
        </td>
        <td className="px-4 py-3 break-all text-slate-900">{event.actor}</td>
        <td className="px-4 py-3">
          <Badge tone={actionTone(event.action)} isMono>
            {event.action}
          </Badge>
        </td>
        <td className="px-4 py-3">
          <span className="inline-flex flex-wrap items-center gap-2">
            <Badge>{event.targetType}</Badge>
            <span className="font-mono text-xs break-all text-slate-800">{event.targetName ?? event.targetId ?? "—"}</span>
            {event.session && (
              <Link
                href={sessionLinkHref(event.session)}
                className="rounded text-xs font-medium whitespace-nowrap text-brand-700 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
              >
                {sessionLinkLabel(event.session)}
              </Link>
            )}
          </span>
          {event.statement && <AuditStatementInline statement={event.statement} />}
        </td>
      </tr>
      {isExpanded && (
        <tr id={detailsId} className="bg-slate-50/60">
          <td colSpan={AUDIT_COLUMN_COUNT} className="border-t border-slate-100">
            <AuditEventDetails event={event} />
          </td>
        </tr>
      )}
    </>
  );
}
