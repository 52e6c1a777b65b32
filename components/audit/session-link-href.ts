import { statementHref } from "@/lib/shared/contracts/statement-search";
import type { AuditSessionLink } from "@/lib/shared/contracts/audit";

/** Where an event's session link goes: the statement in the player when the event names one, else the session. */
export function sessionLinkHref(link: AuditSessionLink): string {
  return link.seq === null ? `/sessions/${encodeURIComponent(link.sessionId)}` : statementHref(link.sessionId, link.seq);
}

export function sessionLinkLabel(link: AuditSessionLink): string {
  return link.seq === null ? "Open session" : `Open statement ${link.seq}`;
}
