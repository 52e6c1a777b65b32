import { serialize } from "pg-protocol";
import type { DatabaseError } from "pg-protocol/dist/messages";
import { FrontendCode } from "../protocol/message-codes";

/**
 * Text Warden's parser (libpg-query) cannot parse is never run, but the client should still hear
 * PostgreSQL's own syntax error (message, SQLSTATE, position, hint), not the gateway's. So the
 * server is asked to Parse the text, which never runs anything, into a statement name reserved to
 * the gateway (block-statement.ts: clients may not use `__warden*` names), closed again at once:
 *
 * - the server refuses it: its error is the client's answer, at the statement's place, and the
 *   server skips to Sync as after any error (for a simple Query the gateway then sends the Sync;
 *   the transaction is aborted exactly as the Query's own syntax error would abort it);
 * - the server parses it: the gateway's fail-closed rule applies as to any unclassified text.
 *
 * The probe is the client's exact bytes (never re-encoded, so positions and encoding errors are the
 * server's own), followed by Flush: the server answers extended-protocol messages only when it
 * flushes. The client's later messages wait meanwhile, so the reserved statement never exists while
 * a message of theirs is handled. https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */

/** The reserved statement name of the probe. */
export const PROBE_STATEMENT = "__warden_syntax_probe";

export type ProbeOutcome =
  /** The server parsed the text: Warden's fail-closed rule decides. */
  | { kind: "parsed" }
  /** The server refused the text; its ErrorResponse went to the client. The server now skips to Sync. */
  | { kind: "refused"; error: { code: string; message: string } }
  /**
   * The server refused the text for a reason that is not its syntax (PostgreSQL parsed several
   * statements, which a Parse cannot hold): the error is not the client's; the server skips to Sync.
   */
  | { kind: "unclear"; error: { code: string; message: string } }
  /** The server skipped the probe (an earlier error of the client's pipeline, no Sync since). */
  | { kind: "skipped" }
  /** The session ended first. */
  | { kind: "abandoned" };

/**
 * The probe's messages: optionally Close of the unnamed statement (a simple Query drops it before
 * parsing, so a Query replaced by the probe must too), Close of the reserved name (in case), Parse,
 * Close, Flush. Only the Parse's answer matters; the Closes' answers are swallowed.
 */
export function syntaxProbeMessages(text: Buffer, opts: { dropsUnnamed: boolean }): { frames: Buffer[]; parseIndex: number } {
  const frames = [
    ...(opts.dropsUnnamed ? [serialize.close({ type: "S", name: "" })] : []),
    serialize.close({ type: "S", name: PROBE_STATEMENT }),
    parseOfBytes(PROBE_STATEMENT, text),
    serialize.close({ type: "S", name: PROBE_STATEMENT }),
  ];
  return { frames, parseIndex: opts.dropsUnnamed ? 2 : 1 };
}

export const FLUSH = serialize.flush();

/**
 * Whether the server's refusal of the probe is its verdict on the text's syntax (or on what the
 * text means: a missing table, an aborted transaction, an invalid byte sequence), which the client
 * gets as is. The one refusal that is not is "cannot insert multiple commands into a prepared
 * statement": a syntax error (42601) without a position, raised after PostgreSQL parsed several
 * statements, which a Query may hold and a Parse may not. Every error of PostgreSQL's scanner and
 * grammar carries a position.
 */
export function isClientsError(err: Pick<DatabaseError, "code" | "position">): boolean {
  return !(err.code === SYNTAX_ERROR && !err.position);
}

const SYNTAX_ERROR = "42601";

/** Parse ('P') of raw text bytes, no parameter types. https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARSE */
function parseOfBytes(name: string, text: Buffer): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, "utf8");
  const length = 4 + nameBytes.length + text.length + 1 + 2;
  const out = Buffer.alloc(1 + length);
  out[0] = FrontendCode.Parse;
  out.writeInt32BE(length, 1);
  nameBytes.copy(out, 5);
  text.copy(out, 5 + nameBytes.length);
  // The text's terminating zero and a zero count of parameter types are the buffer's zeros.
  return out;
}
