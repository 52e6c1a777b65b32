import { parseSync } from "libpg-query";
import type { ClassifiedStatement } from "./classify-statement";

/** TransactionStmt kinds after which the server starts a new transaction for the next statement. */
const ENDING_KINDS = new Set(["TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE", "TRANS_STMT_COMMIT_PREPARED", "TRANS_STMT_ROLLBACK_PREPARED"]);

/**
 * Whether a statement ends the transaction it runs in (COMMIT, END, ROLLBACK, ABORT, PREPARE
 * TRANSACTION, COMMIT/ROLLBACK PREPARED; not ROLLBACK TO SAVEPOINT), so the next statement of the
 * same query string or pipeline starts a new one, with the session's default_transaction_read_only
 * as it is then. Only transaction statements are parsed again (the classification keeps no kind).
 */
export function endsTransaction(statement: Pick<ClassifiedStatement, "command" | "sql">): boolean {
  if (statement.command !== "TransactionStmt") return false;
  try {
    const parsed = parseSync(statement.sql) as { stmts?: { stmt?: { TransactionStmt?: { kind?: string } } }[] };
    const kind = parsed.stmts?.[0]?.stmt?.TransactionStmt?.kind;
    // Unreadable here (it was read before): counted as an end, which only makes Warden stricter.
    return kind === undefined || ENDING_KINDS.has(kind);
  } catch {
    return true;
  }
}
