import type { AuditEventDto } from "@/lib/shared/contracts/audit";

/**
 * OCSF (https://schema.ocsf.io, 1.1) fields for an audit event, so a SIEM can file Warden's events
 * with its other sources. A mapping only: Warden's own `event` fields stay authoritative, and the
 * hash covers them, not this block. README "Events out (SIEM)" has the table.
 */
export const OCSF_VERSION = "1.1.0";

/** The classes Warden's actions land in (class_uid = category_uid * 1000 + n). */
const OCSF_CLASSES = {
  datastore: { class_uid: 6005, class_name: "Datastore Activity", category_uid: 6, category_name: "Application Activity" },
  authentication: { class_uid: 3002, class_name: "Authentication", category_uid: 3, category_name: "Identity & Access Management" },
  api: { class_uid: 6003, class_name: "API Activity", category_uid: 6, category_name: "Application Activity" },
} as const;

type OcsfClass = keyof typeof OCSF_CLASSES;
type Activity = { id: number; name: string };

/** OCSF severity_id: 1 Informational, 3 Medium (a refusal or a block), 99 Other is not used. */
const SEVERITY = { informational: { id: 1, name: "Informational" }, medium: { id: 3, name: "Medium" } } as const;

const AUTH_FAILURES = new Set(["gateway.sign_in.failed", "gateway.sign_in.refused", "gateway.upstream.sign_in_refused"]);

export type OcsfFields = Record<string, unknown> & { class_uid: number; type_uid: number; time: number };

/** The OCSF block for one event. Pure: the same event always maps to the same block. */
export function mapEventToOcsf(event: AuditEventDto): OcsfFields {
  const details = asRecord(event.details);
  const time = Date.parse(event.occurredAt);
  const { kind, activity, isFailure } = classify(event, details);
  const cls = OCSF_CLASSES[kind];
  const severity = isFailure ? SEVERITY.medium : SEVERITY.informational;
  const out: OcsfFields = {
    ...cls,
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: cls.class_uid * 100 + activity.id,
    time,
    severity_id: severity.id,
    severity: severity.name,
    status_id: isFailure ? 2 : 1,
    status: isFailure ? "Failure" : "Success",
    actor: { user: { name: event.actor } },
    metadata: { version: OCSF_VERSION, product: { name: "Warden", vendor_name: "Warden" }, uid: String(event.seq), event_code: event.action },
  };
  const clientAddress = str(details.clientAddress);
  if (clientAddress) out.src_endpoint = { ip: clientAddress };
  if (kind === "datastore") {
    out.database = { name: event.targetName, type: "PostgreSQL" };
    if (event.targetType === "session" && event.targetId) out.session = { uid: event.targetId };
    if (event.action === "gateway.statement") {
      out.query_info = { query_string: str(details.sql), uid: str(details.statementId) };
      const decision = str(details.decision);
      if (decision) {
        out.disposition = decision;
        // forward: Allowed; block: Blocked; hold (waited for a reviewer): Other, its outcome in `status`.
        out.disposition_id = decision === "forward" ? 1 : decision === "block" ? 2 : 99;
      }
    }
  }
  if (kind === "authentication") {
    out.user = { name: firstUserName(event, details) };
    if (isFailure && typeof details.count === "number") out.count = details.count;
  }
  if (kind === "api") {
    out.api = { operation: event.action };
    out.resources = [{ type: event.targetType, uid: event.targetId, name: event.targetName }];
  }
  return out;
}

function classify(event: AuditEventDto, details: Record<string, unknown>): { kind: OcsfClass; activity: Activity; isFailure: boolean } {
  const a = event.action;
  if (a === "gateway.statement") {
    const decision = str(details.decision);
    const status = str(details.status);
    // `status` is the statement's status when its event was recorded (often "running"): only a known failure counts.
    const isFailure = decision === "block" || status === "error" || status === "blocked";
    return { kind: "datastore", activity: { id: 4, name: "Query" }, isFailure };
  }
  if (a === "gateway.session.start") return { kind: "datastore", activity: { id: 3, name: "Connect" }, isFailure: false };
  if (a === "gateway.session.end") return { kind: "datastore", activity: { id: 99, name: "Disconnect" }, isFailure: false };
  if (AUTH_FAILURES.has(a)) return { kind: "authentication", activity: { id: 1, name: "Logon" }, isFailure: true };
  if (a === "auth.sign_in") return { kind: "authentication", activity: { id: 1, name: "Logon" }, isFailure: false };
  if (a === "auth.sign_out") return { kind: "authentication", activity: { id: 2, name: "Logoff" }, isFailure: false };
  const verb = a.slice(a.lastIndexOf(".") + 1);
  const activity: Activity =
    verb === "create" || verb === "request"
      ? { id: 1, name: "Create" }
      : verb === "update"
        ? { id: 3, name: "Update" }
        : verb === "delete" || verb === "revoke"
          ? { id: 4, name: "Delete" }
          : { id: 99, name: "Other" };
  return { kind: "api", activity, isFailure: false };
}

function firstUserName(event: AuditEventDto, details: Record<string, unknown>): string {
  const names = details.userNames;
  if (Array.isArray(names) && typeof names[0] === "string") return names[0];
  return str(details.userName) ?? event.actor;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
