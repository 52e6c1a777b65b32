import type { ClassifiedStatement } from "@/lib/policy/classify-statement";
import { judgeExecute } from "@/lib/policy/prepared-statements";
import { SqlState } from "../protocol/sql-state";
import type { NamespaceChange as Change, PreparedStatement, StatementNamespace } from "./statement-namespace";
type Refusal = { sqlState: string; message: string };

export type ResolvedStatement = {
  statement: ClassifiedStatement;
  /** As policy judges it: an EXECUTE as the statement it runs. */
  judged: ClassifiedStatement;
  /** What it changes in the namespace when the server runs it (PREPARE, DEALLOCATE, DISCARD ALL). */
  change: Change | null;
  /** Refused before policy: an EXECUTE of a name the session does not have, a PREPARE past the cap. */
  refusal: Refusal | null;
};

/**
 * Ties statements (a Query's, in order, or the one an Execute runs) to the session's prepared
 * statements. An EXECUTE sees what earlier statements of the same string prepared or deallocated
 * (if one of them fails, PostgreSQL skips the rest of the string). `uncertain`: a name depends on
 * a change the server has not answered yet in an earlier block; the caller waits and asks again.
 */
export function resolveStatements(
  statements: ClassifiedStatement[],
  namespace: StatementNamespace,
  opts: { names(name: string): Refusal | null },
): { kind: "resolved"; statements: ResolvedStatement[] } | { kind: "uncertain"; settled: Promise<void> } {
  /** Definitions made by earlier statements of this string: a value, or null for dropped. */
  const local = new Map<string, PreparedStatement | null>();
  let isAllDropped = false;
  const out: ResolvedStatement[] = [];
  for (const s of statements) {
    if (s.prepares) {
      const value: PreparedStatement = { name: s.prepares.name, sql: s.prepares.statement.sql, classification: s.prepares.statement, parseError: null, paramTypes: [], columns: null };
      const refusal = opts.names(s.prepares.name);
      if (!refusal) local.set(value.name, value);
      out.push({ statement: s, judged: s, change: refusal ? null : { space: "statement", kind: "define", name: value.name, value }, refusal });
      continue;
    }
    if (s.deallocates !== undefined) {
      if (s.deallocates === null) {
        local.clear();
        isAllDropped = true;
      } else local.set(s.deallocates, null);
      out.push({ statement: s, judged: s, change: { space: "statement", kind: "drop", name: s.deallocates }, refusal: null });
      continue;
    }
    if (s.executes === undefined) {
      out.push({ statement: s, judged: s, change: null, refusal: null });
      continue;
    }
    let prepared: PreparedStatement | null | undefined = local.get(s.executes);
    if (prepared === undefined && !isAllDropped) {
      const found = namespace.lookupStatement(s.executes);
      if (found.kind === "uncertain") return { kind: "uncertain", settled: found.settled };
      prepared = found.kind === "found" ? found.value : null;
    }
    if (!prepared) {
      out.push({ statement: s, judged: s, change: null, refusal: { sqlState: SqlState.InvalidSqlStatementName, message: `prepared statement "${s.executes}" does not exist` } });
      continue;
    }
    out.push({ statement: s, judged: judgeExecute(s, prepared.classification), change: null, refusal: null });
  }
  return { kind: "resolved", statements: out };
}
