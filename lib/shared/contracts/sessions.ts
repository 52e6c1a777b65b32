import { z } from "zod";
import type { Role } from "../roles";

/**
 * Recorded gateway sessions and their statements, as the console's browser code sees them. The server
 * builds these from the store's rows (lib/server/sessions); the shapes are checked against its DTOs
 * where the route handlers return them.
 */

export const ACTOR_KINDS = ["human", "agent", "service"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Roles that see every session; everyone else sees only the sessions they signed in to the gateway as. */
export const ALL_SESSIONS_ROLES = ["admin", "auditor"] as const satisfies readonly Role[];

export type SessionDto = {
  id: string;
  connectionId: string | null;
  connectionName: string;
  userName: string;
  actorKind: ActorKind;
  agentName: string | null;
  groups: string[];
  authMethod: "token" | "jwt";
  applicationName: string | null;
  clientAddress: string;
  isTls: boolean;
  protocolVersion: string;
  gatewayInstance: string;
  recordingMode: "strict" | "async";
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  statementCount: number;
  errorCount: number;
};

export type SessionPageDto = { sessions: SessionDto[]; nextCursor: string | null };

/**
 * The session list's filters, as they appear in the page's query string and in `GET /api/sessions`.
 * Each one is validated on its own, so a stale link drops a bad value instead of failing the page.
 */
export const sessionFilterFields = {
  user: z.string().trim().min(1).max(320),
  actor: z.enum(ACTOR_KINDS),
  connection: z.uuid(),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  /** "1": only sessions in which a statement failed or was blocked. */
  errors: z.literal("1"),
};
export const SESSION_FILTER_KEYS = ["user", "actor", "connection", "from", "to", "errors"] as const;
export type SessionFilters = Partial<{ [K in (typeof SESSION_FILTER_KEYS)[number]]: z.output<(typeof sessionFilterFields)[K]> }>;

export const sessionsQuery = z.object({
  user: sessionFilterFields.user.optional(),
  actor: sessionFilterFields.actor.optional(),
  connection: sessionFilterFields.connection.optional(),
  from: sessionFilterFields.from.optional(),
  to: sessionFilterFields.to.optional(),
  errors: sessionFilterFields.errors.optional(),
  /** The previous page's `nextCursor`. */
  cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "Not a cursor.").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SessionsQuery = z.input<typeof sessionsQuery>;

export const STATEMENT_STATUSES = ["running", "ok", "error", "blocked", "skipped", "suspended", "unknown"] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];
export type StatementDecision = "forward" | "block" | "hold";

/**
 * One line of the player's statement list and one bar of its timeline: everything but the parameters
 * and the recorded result, and only the start of the SQL, so a session of 10,000 statements loads in
 * a few small pages.
 */
export type StatementSummaryDto = {
  id: string;
  seq: number;
  protocol: "simple" | "extended";
  sqlPreview: string;
  isSqlTruncated: boolean;
  kind: string;
  command: string;
  decision: StatementDecision;
  status: StatementStatus;
  receivedAt: string;
  finishedAt: string | null;
  gatewayMs: number | null;
  durationMs: number | null;
  commandTag: string | null;
  rowCount: number | null;
  errorCode: string | null;
};

export const statementsQuery = z.object({
  /** Statements with a sequence number greater than this; 0 for the first page. */
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type StatementsQuery = z.input<typeof statementsQuery>;

/** A page of statements, with the session as it is now (it may have ended since the last page). */
export type StatementPageDto = { session: SessionDto; statements: StatementSummaryDto[]; hasMore: boolean };

export type RecordedParamDto = { format: "text" | "binary"; value: string | null; typeOid: number; isTruncated?: boolean };
export type RecordedColumnDto = { name: string; typeOid: number; tableOid: number; columnNumber: number; format: "text" | "binary" };
export type RecordedRelationDto = { schema: string | null; name: string; access: "read" | "write" };

/** A result column the gateway masked: every value (a column rule or name pattern) or the listed rows (content detectors). */
export type MaskedColumnDto = {
  index: number;
  name: string;
  matchedBy: "column_rule" | "name_pattern" | "detector";
  semanticTypes: string[];
  rule: string | null;
  detectors?: string[];
  rows?: number[];
  rowsTruncated?: boolean;
  exemptGroup?: string;
};

/** One statement in full: SQL, decoded parameters, decision, timings, outcome and the recorded (masked) result. */
export type StatementDetailDto = {
  id: string;
  sessionId: string;
  seq: number;
  protocol: "simple" | "extended";
  sql: string;
  params: RecordedParamDto[] | null;
  kind: string;
  command: string;
  relations: RecordedRelationDto[];
  fingerprint: string | null;
  parseError: string | null;
  decision: StatementDecision;
  decisionReason: string | null;
  /** Risk flags from the classifier (write without WHERE, DROP, dangerous functions, …). */
  flags?: string[];
  /** For a held statement: who decided, when, and their comment. */
  decidedBy?: string | null;
  decidedAt?: string | null;
  decisionComment?: string | null;
  status: StatementStatus;
  receivedAt: string;
  gatewayMs: number | null;
  durationMs: number | null;
  finishedAt: string | null;
  commandTag: string | null;
  rowCount: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  columns: RecordedColumnDto[] | null;
  rows: (string | null)[][] | null;
  rowsTruncated: boolean;
  maskedColumns?: MaskedColumnDto[] | null;
  resultRowCount: number;
};
