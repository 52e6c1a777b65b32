import { z } from "zod";
// The store's schema is the one definition of what a session and a statement record; the DTOs below
// reuse its enums and recorded-JSON shapes. Type-only imports are erased at build time, so no store
// code reaches the browser (drizzle/ may not import lib/, so the shapes cannot live here instead).
import type { AUTH_METHODS, RECORDING_MODES } from "@/drizzle/schema/sessions";
import type { MaskedColumn, RecordedColumn, RecordedParam, RecordedRelation, STATEMENT_DECISIONS, STATEMENT_PROTOCOLS, STATEMENT_STATUSES } from "@/drizzle/schema/statements";
import type { Role } from "../roles";
import type { FilterFields, FilterValues } from "../url-filters";

export type { MaskedColumn, RecordedColumn, RecordedParam, RecordedRelation };

/**
 * Recorded gateway sessions and their statements, as the console's browser code sees them. The server
 * builds these from the store's rows (lib/server/sessions/session-dto.ts).
 */

export const ACTOR_KINDS = ["human", "agent", "service"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Roles that see every session; everyone else sees only the sessions they signed in to the gateway as. */
export const ALL_SESSIONS_ROLES = ["admin", "auditor"] as const satisfies readonly Role[];

export type SessionDto = {
  id: string;
  connectionId: string | null;
  connectionName: string;
  /** The subject: the user name the session ran as. */
  userName: string;
  /** Who minted the token it signed in with (a console user's email, or `cli:user@host`); null for a JWT. */
  tokenMintedBy: string | null;
  actorKind: ActorKind;
  agentName: string | null;
  groups: string[];
  authMethod: (typeof AUTH_METHODS)[number];
  applicationName: string | null;
  clientAddress: string;
  isTls: boolean;
  protocolVersion: string;
  gatewayInstance: string;
  recordingMode: (typeof RECORDING_MODES)[number];
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  /** An admin asked for the session to end (from the console): who, when, and why. */
  endRequestedBy?: string | null;
  endRequestedAt?: string | null;
  endRequestReason?: string | null;
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
} satisfies FilterFields;
export type SessionFilters = FilterValues<typeof sessionFilterFields>;

export const sessionsQuery = z.object(sessionFilterFields).partial().extend({
  /** The previous page's `nextCursor`. */
  cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "Not a cursor.").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SessionsQuery = z.input<typeof sessionsQuery>;

export type StatementStatus = (typeof STATEMENT_STATUSES)[number];
export type StatementDecision = (typeof STATEMENT_DECISIONS)[number];
export type StatementProtocol = (typeof STATEMENT_PROTOCOLS)[number];

/**
 * One line of the player's statement list and one bar of its timeline: everything but the parameters
 * and the recorded result, and only the start of the SQL, so a session of 10,000 statements loads in
 * a few small pages.
 */
export type StatementSummaryDto = {
  id: string;
  seq: number;
  protocol: StatementProtocol;
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

/** One statement in full: SQL, decoded parameters, decision, timings, outcome and the recorded (masked) result. */
export type StatementDetailDto = {
  id: string;
  sessionId: string;
  seq: number;
  protocol: StatementProtocol;
  sql: string;
  params: RecordedParam[] | null;
  kind: string;
  command: string;
  relations: RecordedRelation[];
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
  columns: RecordedColumn[] | null;
  rows: (string | null)[][] | null;
  rowsTruncated: boolean;
  maskedColumns?: MaskedColumn[] | null;
  resultRowCount: number;
};
