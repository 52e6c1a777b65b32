import type { ClassifiedStatement } from "@/lib/policy/classify-statement";
import { endsTransaction } from "@/lib/policy/ends-transaction";
import { SqlState } from "../protocol/sql-state";

/**
 * Transaction boundaries on a read-only session. Its upstream runs with
 * default_transaction_read_only=on; a function the database already has may turn that off unseen,
 * and the server says so (ParameterStatus, reading-guard.ts) only before its next ReadyForQuery. A
 * transaction that starts before that report reaches the gateway would be read-write. Two rules
 * keep every transaction the client can start behind such a report:
 *
 * - Across blocks (a Query, a FunctionCall, or the extended protocol's messages up to a Sync): a
 *   statement is judged only once the server has answered every earlier block through its
 *   ReadyForQuery (StatementNamespace.earlierBlocksSettled). Pipelined blocks wait for each other
 *   on a read-only session; the report, if any, has ended the session by then.
 * - Within a block, where no ReadyForQuery comes between statements: nothing runs after a statement
 *   that ends a transaction (COMMIT, ROLLBACK, PREPARE TRANSACTION...) when another statement ran
 *   before it in the block: `SELECT f(); COMMIT; SELECT g()` in one string, or Executes of the same
 *   around an Execute of COMMIT before Sync. A block that begins with COMMIT is not affected: the
 *   transaction after it starts with the setting as the last ReadyForQuery left it.
 */
export class ReadOnlyBoundary {
  private block = -1;
  private hasRun = false;
  private hasEndedAfterRun = false;

  /** The refusal of each statement about to be judged, in order, in block `block` (null: none). */
  refusalsFor(block: number, statements: readonly Pick<ClassifiedStatement, "command" | "sql">[]): ({ sqlState: string; message: string } | null)[] {
    if (block !== this.block) {
      this.block = block;
      this.hasRun = false;
      this.hasEndedAfterRun = false;
    }
    return statements.map((s) => {
      if (this.hasEndedAfterRun) return AFTER_TRANSACTION_END;
      if (this.hasRun && endsTransaction(s)) this.hasEndedAfterRun = true;
      this.hasRun = true;
      return null;
    });
  }
}

const AFTER_TRANSACTION_END = {
  sqlState: SqlState.ReadOnlySqlTransaction,
  message:
    "This session is read-only through Warden: after COMMIT or ROLLBACK, nothing else runs in the same query string or pipeline (a statement before it could have turned read-only mode off where Warden cannot see); send it on its own.",
};
