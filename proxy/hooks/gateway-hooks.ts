import type { ActorKind, MaskedColumn, RecordedColumn, RecordedParam } from "@/drizzle/schema";
import type { ClassifiedStatement } from "@/lib/policy/classify-statement";
import type { BlastRadiusRecord } from "@/lib/policy/blast-radius";
import type { StartupSetting } from "@/lib/policy/judge-startup-settings";
import type { BlastRadiusRule } from "@/lib/policy/policy-document";
import type { TargetFunction } from "../policy/function-oids";

/**
 * Seams for policy enforcement and masking, which later work fills in. The gateway calls
 * `decideStatement` before forwarding each statement (at Query, or at Execute with the bound
 * parameters) and `createRowFilter` when a result's columns are known.
 */

/**
 * Who is behind a session, as the gateway established at sign-in: the subject (`userName`, the
 * user name the session runs as) and, for a Warden token, the token and who minted it. A reviewer
 * may be neither the subject nor the minter of a statement they approve.
 */
export type SessionInfo = {
  id: string;
  userName: string;
  /** The Warden token the session signed in with; null (or absent) for a JWT. */
  tokenId?: string | null;
  /** Who minted that token; null (or absent) for a JWT. */
  tokenMintedBy?: string | null;
  actorKind: ActorKind;
  agentName: string | null;
  groups: string[];
  authMethod: "token" | "jwt";
  connection: { id: string; name: string };
  applicationName: string | null;
  clientAddress: string;
  /**
   * The policy made the session read-only at sign-in (lib/policy/is-session-read-only.ts): its
   * upstream session runs with default_transaction_read_only=on, which must never turn off.
   */
  isReadOnly?: boolean;
};

export type StatementContext = {
  session: SessionInfo;
  /** Statement id, as recorded. */
  statementId: string;
  protocol: "simple" | "extended";
  sql: string;
  /** A statement too large to keep: `sql` is only its beginning; the whole text's size and hash. */
  sqlDigest?: { bytes: number; sha256: string };
  /** Decoded bind parameters (extended protocol), null for simple queries. */
  params: RecordedParam[] | null;
  /**
   * What runs, classified. An `EXECUTE name` is judged as the statement it executes (the session's
   * prepared statements, as the server confirmed them, shared by SQL PREPARE and the protocol's Parse).
   */
  classification: ClassifiedStatement;
  /** The text did not parse (or was too large); policy applies its fail-closed rule. */
  parseError: string | null;
};

/** Who decided on a held statement, for its record. */
export type ReviewOutcome = { approvalRequestId: string; decidedBy: string | null; decidedAt: Date | null; comment: string | null };
/**
 * What the policy that let a statement run says about its result: how much of it the recording
 * keeps (recording.resultRowCap and resultByteCap), and how many rows reach the client
 * (access.agentRowCap, for an agent's session; null: every row).
 */
export type ResultPolicy = { recordedRows: number; recordedBytes: number; clientRows: number | null };
/**
 * `reason`: why, for the statement's record; `review`: the approval behind a held statement's outcome;
 * `result`: the policy's caps on its result (absent: the gateway's defaults, no client cap);
 * `notice`: what the client is told before it runs (who approved it, the grant it runs under). A
 * notice is sent as written, without the content detectors, so it holds only the gateway's own
 * words and the reviewer's identity: never the statement, a value or a reviewer's comment.
 * `isPreApproved`: a reviewer approved this exact statement in advance (a grant): not measured again
 * by the blast-radius guard.
 */
export type ForwardDecision = { action: "forward"; reason?: string; review?: ReviewOutcome; result?: ResultPolicy; notice?: string; isPreApproved?: boolean };
/** `quoted`: the parts of `message` that quote text Warden did not write (a reviewer's comment): masked as a server's words are. */
export type BlockDecision = { action: "block"; sqlState: string; message: string; quoted?: string[]; reason?: string; review?: ReviewOutcome };
export type FinalDecision = ForwardDecision | BlockDecision;
/** A message the gateway wrote, as the client receives it; `quoted`: the parts of it Warden did not write. */
export type AuthoredMessage = { message: string; quoted: readonly string[] };
/**
 * Hold: the gateway sends `notice` to the client (naming the approval request), keeps the statement
 * (and the client's later messages) back, and acts on `outcome` when it settles. `withdraw` is
 * called when the client cancels the statement or goes away while it waits; the outcome then
 * settles (a cancelled statement is refused with 57014, as PostgreSQL refuses a cancelled query).
 */
export type HoldDecision = { action: "hold"; notice?: string; outcome: Promise<FinalDecision>; withdraw?(why: "cancelled" | "disconnected"): void };
export type Decision = FinalDecision | HoldDecision;

/**
 * Settings asked for at sign-in: all allowed, or the first one refused and why (`setting` null: the
 * sign-in itself, as when the policy cannot be read). `sqlState` is 42501 for a policy's refusal,
 * 57P03 when the policy cannot be read right now.
 */
export type StartupSettingsDecision =
  /** `isReadOnly`: the policy makes the session read-only (is-session-read-only.ts). */
  | { action: "allow"; isReadOnly?: boolean }
  | { action: "refuse"; setting: StartupSetting | null; sqlState: string; message: string; reason: string };

/** A COPY TO STDOUT result, as its CopyOutResponse describes it (columns are not named there). */
export type CopyOutResult = { isBinary: boolean; columnFormats: number[] };

/**
 * A result whose columns are known: from RowDescription, or (COPY TO STDOUT) from CopyOutResponse,
 * when `columns` is a single column named "copy" standing for each CopyData message.
 */
export type ResultContext = { statement: StatementContext; columns: RecordedColumn[]; copy?: CopyOutResult };

/**
 * Rewrites the values of each row before it reaches the client (and the recording). Return the same
 * array to leave the row untouched. Throwing withholds the row and fails the statement: fail closed.
 */
export type RowFilter = {
  transformRow(values: (Buffer | null)[]): (Buffer | null)[];
  /**
   * The same masking on a whole DataRow frame as it came, for the rows the recording does not keep
   * (most of a large result): nothing is decoded into values or encoded again. Returns the frame
   * to send: the same object when nothing changed or values were masked in place, a new one when a
   * value's length changed. Its identity therefore does not say whether anything was masked.
   */
  transformFrame?(frame: Buffer): Buffer;
  /** COPY TO STDOUT data, one CopyData message at a time. */
  transformCopyData?(data: Buffer): Buffer;
  /**
   * What the recording keeps of a row, when it differs from what the client got (an exempt session
   * sees values the recording still keeps masked). Called only for rows the recording keeps, with
   * the server's values.
   */
  recordRow?(values: (Buffer | null)[]): (Buffer | null)[];
  recordCopyData?(data: Buffer): Buffer;
  /** Which columns were masked, and how, for the recording; asked when the statement's outcome is recorded. */
  maskedColumns?(): MaskedColumn[] | null;
};

export type GatewayHooks = {
  decideStatement?(ctx: StatementContext): Decision | Promise<Decision>;
  /**
   * Judges the settings a client asks for at sign-in (startup parameters, and those in `options`) as
   * the equivalent SET statements would be judged; a refusal ends the sign-in with a FATAL that
   * names the setting. Called at every sign-in, with or without settings: a session starts with its
   * policy at hand. Absent: every setting goes to the server, which validates it.
   */
  decideStartupSettings?(session: SessionInfo, settings: readonly StartupSetting[]): StartupSettingsDecision | Promise<StartupSettingsDecision>;
  /**
   * True when nothing in the statement can write (no writing function, CTE, lock clause, view that
   * could hide one...): strict recording may then forward it while its record commits, and withhold
   * its results until the record is durable. False or absent: it waits for its record, as a write.
   */
  isSafeRead?(ctx: StatementContext): boolean;
  /** An INSERT that only adds rows to a table that runs no code on insert (the blast-radius guard counts no inserts: not measured). */
  isPlainInsert?(ctx: StatementContext): boolean;
  /**
   * Return undefined for results that need no rewriting: their rows are forwarded untouched. A
   * promise holds the server's later messages back (in order, reading paused) until it settles.
   */
  createRowFilter?(ctx: ResultContext): RowFilter | undefined | Promise<RowFilter | undefined>;
  /**
   * Rewrites an ErrorResponse, NoticeResponse or NotificationResponse frame (whole, type byte
   * included) before it reaches the client and the recording: such messages can echo data. A
   * promise holds later messages back until it settles. When it fails, the error reaches the client
   * with its message withheld, and a notice or notification is dropped: fail closed. `authored`: the
   * frame is an error the gateway had the server raise (a refusal): its message is Warden's own
   * words, and only its quoted parts (and the other fields) are data to mask. `statement`: the
   * statement whose answer the message is (what it computed may be echoed); null when it answers a
   * message that runs none (a Bind's error quotes the client's own parameter); undefined: unknown.
   */
  filterServerMessage?(session: SessionInfo, frame: Buffer, authored?: AuthoredMessage, statement?: StatementContext | null): Buffer | Promise<Buffer>;
  /**
   * The function a FunctionCall names by OID, as the session's database has it (null: none there).
   * Absent, or failing: fast-path calls are refused, since nothing can be judged without the name.
   */
  describeFunction?(session: SessionInfo, oid: number): TargetFunction | null | Promise<TargetFunction | null>;
  /**
   * The blast-radius rule that guards this statement's session (blast-radius/guarded-write.ts):
   * null when none applies; undefined when it cannot be known yet (the policy is not loaded), so
   * the relay asks again once the statement is decided. Absent: nothing is guarded.
   */
  blastRadiusRule?(ctx: StatementContext): BlastRadiusRule | null | undefined;
  /**
   * A read whose safety is not known only because the target's catalog is not loaded yet: resolves
   * once it is (or could not be), so the blast-radius guard measures only reads that may really
   * write. Null: nothing to wait for.
   */
  whenReadSafetyKnown?(ctx: StatementContext): Promise<void> | null;
  /** Holds a write the guard measured past its rule's limit (or could not measure) for a reviewer, with the counts. */
  holdBlastRadius?(ctx: StatementContext, record: BlastRadiusRecord, rule: BlastRadiusRule): Promise<Decision>;
  /** ReadyForQuery: the session's transaction status ("I" idle, "T" in a block, "E" failed). */
  onReadyForQuery?(session: SessionInfo, status: "I" | "T" | "E"): void;
  /** A statement has its outcome (after recording), for caches that a DDL statement makes stale. */
  onStatementFinished?(ctx: StatementContext): void;
  /** The worker is stopping: release what the hooks hold (connections, timers). */
  close?(): Promise<void>;
};

export const FORWARD: ForwardDecision = { action: "forward" };
