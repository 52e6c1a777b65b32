import type { ClassifiedStatement } from "./classify-statement";
import { STATEMENT_FLAGS, type StatementFlag } from "./statement-flags";

/**
 * SQL-level PREPARE / EXECUTE, tracked per session. `PREPARE p AS DELETE FROM t` runs nothing; the
 * DELETE runs at `EXECUTE p`, so EXECUTE is judged as what was prepared: its kind, flags and
 * relations. An EXECUTE of a name this session never prepared cannot be judged: it is marked
 * `unparsed`, which the policy treats by its fail-closed rule.
 *
 * Statements prepared with the extended protocol (Parse with a name) share PostgreSQL's namespace
 * with SQL PREPARE, so `EXECUTE name` can run them too; `lookupProtocolStatement` gives those, and
 * they take precedence because the gateway sees every Parse as it happens.
 */
export class PreparedStatements {
  private readonly byName = new Map<string, ClassifiedStatement>();

  /**
   * The statement as policy should judge it; remembers PREPAREs and forgets DEALLOCATEs. Call it for
   * each statement in the order the session sends them.
   */
  resolve(statement: ClassifiedStatement, lookupProtocolStatement?: (name: string) => ClassifiedStatement | null): ClassifiedStatement {
    if (statement.prepares) {
      this.byName.set(statement.prepares.name, statement.prepares.statement);
      return statement;
    }
    if (statement.deallocates !== undefined) {
      if (statement.deallocates === null) this.byName.clear();
      else this.byName.delete(statement.deallocates);
      return statement;
    }
    if (statement.executes === undefined) return statement;
    const prepared = lookupProtocolStatement?.(statement.executes) ?? this.byName.get(statement.executes);
    if (!prepared) return { ...statement, kind: "unknown", flags: mergeFlags(statement.flags, ["unparsed"]) };
    return {
      ...statement,
      kind: prepared.kind,
      relations: prepared.relations,
      // Grants are for the shape of what runs, whatever name it was prepared under.
      fingerprint: prepared.fingerprint,
      flags: mergeFlags(statement.flags, prepared.flags),
    };
  }

  get size(): number {
    return this.byName.size;
  }
}

function mergeFlags(a: StatementFlag[], b: StatementFlag[]): StatementFlag[] {
  const all = new Set([...a, ...b]);
  return STATEMENT_FLAGS.filter((f) => all.has(f));
}
