import { serialize } from "pg-protocol";
import type { DatabaseError } from "pg-protocol/dist/messages";
import { decodeBackendFrame, decodeDataRow } from "../protocol/backend-decoders";
import { BackendCode } from "../protocol/message-codes";

/**
 * The guard's own statements (BEGIN, SAVEPOINT, the measurements, RELEASE, COMMIT), sent as
 * extended-protocol messages under a name reserved to the gateway: unlike a simple Query they leave
 * the client's unnamed statement and portal alone, so they may sit in the middle of the client's
 * pipeline. They are answered without a ReadyForQuery: the collector counts the answers, and stops
 * at the first error (after which the server skips to Sync).
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */

const NAME = "__warden_guard";

/** Parse, Bind, Execute, Close portal, Close statement per statement; then Flush so the server answers now. */
export function bracketMessages(sqls: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const text of sqls) {
    out.push(
      serialize.parse({ name: NAME, text }),
      serialize.bind({ portal: NAME, statement: NAME }),
      serialize.execute({ portal: NAME }),
      serialize.close({ type: "P", name: NAME }),
      serialize.close({ type: "S", name: NAME }),
    );
  }
  out.push(serialize.flush());
  return out;
}

/** What the server answered: rows of each statement (text), or the first error, its frame kept for the client when it is theirs to see. */
export type BracketReply = {
  results: (string | null)[][][];
  error: { code: string; message: string; frame: Buffer } | null;
  /** SQLSTATEs of the warnings the statements raised (25001: BEGIN found a transaction block already open). */
  noticeCodes: string[];
};

/** Answers per statement that end it: ParseComplete, BindComplete, CommandComplete, CloseComplete twice. */
const ANSWERS_PER_STATEMENT = 5;

export class BracketCollector {
  private answers = 0;
  private rows: (string | null)[][] = [];
  private readonly reply: BracketReply = { results: [], error: null, noticeCodes: [] };

  constructor(
    private readonly statements: number,
    private readonly done: (reply: BracketReply) => void,
  ) {}

  /** One server message; true when the bracket is fully answered. */
  take(code: number, frame: Buffer): boolean {
    switch (code) {
      case BackendCode.DataRow:
        this.rows.push(decodeDataRow(frame).map((v) => (v === null ? null : v.toString("utf8"))));
        return false;
      case BackendCode.NoticeResponse:
        // The guard's own warnings are not the client's; what they say is kept.
        this.reply.noticeCodes.push(decodeBackendFrame<DatabaseError>(frame).code ?? "");
        return false;
      case BackendCode.ErrorResponse: {
        const e = decodeBackendFrame<DatabaseError>(frame);
        this.reply.error = { code: e.code ?? "XX000", message: e.message, frame };
        this.done(this.reply);
        return true;
      }
      case BackendCode.CommandComplete:
      case BackendCode.EmptyQueryResponse:
        this.reply.results.push(this.rows);
        this.rows = [];
        break;
    }
    this.answers++;
    if (this.answers < this.statements * ANSWERS_PER_STATEMENT) return false;
    this.done(this.reply);
    return true;
  }
}
