import type { ClassifiedStatement } from "./classify-statement";
import { mergeExecuteReadSafety } from "./read-safety";
import { STATEMENT_FLAGS, type StatementFlag } from "./statement-flags";

/**
 * SQL-level EXECUTE. `PREPARE p AS DELETE FROM t` runs nothing; the DELETE runs at `EXECUTE p` (or at a
 * protocol Bind/Execute of `p`: PostgreSQL has one namespace for both), so EXECUTE is judged as what
 * was prepared: its kind, flags, relations and fingerprint, with the flags EXECUTE's own arguments
 * raise. The gateway keeps the session's namespace as the server confirms it
 * (proxy/session/statement-namespace.ts) and passes the prepared statement in; an EXECUTE of a name
 * the session does not have is refused before it gets here.
 */
export function judgeExecute(execute: ClassifiedStatement, prepared: ClassifiedStatement): ClassifiedStatement {
  return {
    ...execute,
    kind: prepared.kind,
    relations: prepared.relations,
    // Grants are for the shape of what runs, whatever name it was prepared under.
    fingerprint: prepared.fingerprint,
    flags: mergeFlags(execute.flags, prepared.flags),
    // What runs is the prepared statement, with EXECUTE's own argument expressions.
    readSafety: prepared.readSafety && execute.readSafety ? mergeExecuteReadSafety(prepared.readSafety, execute.readSafety) : undefined,
    // Its arguments may be the prepared statement's secrets (redact-secrets.ts).
    executedSql: prepared.sql,
  };
}

function mergeFlags(a: StatementFlag[], b: StatementFlag[]): StatementFlag[] {
  const all = new Set([...a, ...b]);
  return STATEMENT_FLAGS.filter((f) => all.has(f));
}
