import { z } from "zod";
import type { FilterFields, FilterValues } from "../url-filters";
import type { ActorKind, StatementDecision, StatementStatus } from "./sessions";

/**
 * Search what was run (`/sessions?q=pg_read_file`): statements whose SQL contains `q` (any case),
 * narrowed by decision, kind, agent, user (both partial, like the audit log's actor) and time. The
 * same rules check the page's address and `GET /api/statements/search`.
 */
export const STATEMENT_DECISION_FILTERS = ["forward", "block", "hold"] as const satisfies readonly StatementDecision[];

/** Shortest text worth searching for: the trigram index needs three characters to narrow anything. */
export const MIN_SEARCH_CHARS = 3;

export const statementSearchFields = {
  q: z.string().trim().min(MIN_SEARCH_CHARS).max(200),
  decision: z.enum(STATEMENT_DECISION_FILTERS),
  /** A statement kind (read, write, ddl, …: lib/policy/statement-kind.ts). */
  kind: z.string().trim().regex(/^[a-z_]{1,40}$/),
  agent: z.string().trim().min(1).max(200),
  user: z.string().trim().min(1).max(320),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
} satisfies FilterFields;
export type StatementSearchFilters = FilterValues<typeof statementSearchFields>;

export const statementSearchQuery = z.object(statementSearchFields).partial({ decision: true, kind: true, agent: true, user: true, from: true, to: true }).extend({
  /** The previous page's `nextCursor`. */
  cursor: z.string().max(300).regex(/^[A-Za-z0-9_-]+$/, "Not a cursor.").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type StatementSearchQuery = z.input<typeof statementSearchQuery>;

/** One matching statement: where it ran, what was decided, and the part of its SQL around the first match. */
export type StatementMatchDto = {
  statementId: string;
  sessionId: string;
  seq: number;
  receivedAt: string;
  userName: string;
  actorKind: ActorKind;
  agentName: string | null;
  connectionName: string;
  kind: string;
  decision: StatementDecision;
  status: StatementStatus;
  /** The SQL around the first match (at most SQL_EXCERPT_CHARS). */
  excerpt: string;
  /** The excerpt starts after the SQL's beginning / stops before its end (show an ellipsis). */
  isCutBefore: boolean;
  isCutAfter: boolean;
};

export type StatementSearchPageDto = { matches: StatementMatchDto[]; nextCursor: string | null };

/** The player's address for one statement of a session. */
export function statementHref(sessionId: string, seq: number): string {
  return `/sessions/${encodeURIComponent(sessionId)}?seq=${seq}`;
}
