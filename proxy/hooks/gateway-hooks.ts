import type { ActorKind, RecordedColumn, RecordedParam } from "@/drizzle/schema";
import type { ClassifiedStatement } from "@/lib/policy/classify-statement";

/**
 * Seams for policy enforcement and masking, which later work fills in. The gateway calls
 * `decideStatement` before forwarding each statement (at Query, or at Execute with the bound
 * parameters) and `createRowFilter` when a result's columns are known.
 */

/** Who is behind a session, as the gateway established at sign-in. */
export type SessionInfo = {
  id: string;
  userName: string;
  actorKind: ActorKind;
  agentName: string | null;
  groups: string[];
  authMethod: "token" | "jwt";
  connection: { id: string; name: string };
  applicationName: string | null;
  clientAddress: string;
};

export type StatementContext = {
  session: SessionInfo;
  /** Statement id, as recorded. */
  statementId: string;
  protocol: "simple" | "extended";
  sql: string;
  /** Decoded bind parameters (extended protocol), null for simple queries. */
  params: RecordedParam[] | null;
  classification: ClassifiedStatement;
  /** The text did not parse (or was too large); policy applies its fail-closed rule. */
  parseError: string | null;
};

export type ForwardDecision = { action: "forward" };
export type BlockDecision = { action: "block"; sqlState: string; message: string };
export type FinalDecision = ForwardDecision | BlockDecision;
/**
 * Hold: the gateway sends `notice` to the client (naming the approval request), keeps the statement
 * (and the client's later messages) back, and acts on `outcome` when it settles.
 */
export type HoldDecision = { action: "hold"; notice?: string; outcome: Promise<FinalDecision> };
export type Decision = FinalDecision | HoldDecision;

export type ResultContext = { statement: StatementContext; columns: RecordedColumn[] };

/**
 * Rewrites the values of each row before it reaches the client (and the recording). Return the same
 * array to leave the row untouched. Throwing withholds the row and fails the statement: fail closed.
 */
export type RowFilter = {
  transformRow(values: (Buffer | null)[]): (Buffer | null)[];
  /** COPY TO STDOUT data, one CopyData message at a time. */
  transformCopyData?(data: Buffer): Buffer;
};

export type GatewayHooks = {
  decideStatement?(ctx: StatementContext): Decision | Promise<Decision>;
  /** Return undefined for results that need no rewriting: their rows are forwarded untouched. */
  createRowFilter?(ctx: ResultContext): RowFilter | undefined;
};

export const FORWARD: ForwardDecision = { action: "forward" };
