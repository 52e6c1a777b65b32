import type { RecordedColumn, RecordedParam } from "@/drizzle/schema";
import type { StatementRun } from "./statement-run";

/**
 * What the gateway knows of the client's prepared statements and portals (extended protocol), so
 * an Execute can be recorded and decided on with its SQL and bound parameters.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */
export type PreparedStatement = {
  name: string;
  sql: string;
  paramTypes: number[];
  /** From Describe of the statement (format codes there are always 0). */
  columns: RecordedColumn[] | null;
};

export type Portal = {
  name: string;
  statement: PreparedStatement | null;
  sql: string;
  params: RecordedParam[];
  resultFormats: number[];
  /** From Describe of the portal. */
  columns: RecordedColumn[] | null;
  /** Set once executed: a later Execute of a suspended portal continues the same statement. */
  run: StatementRun | null;
};

/** Past this many named entries the oldest are forgotten (PostgreSQL has no limit; we must have one). */
const MAX_NAMED = 10_000;

export class ExtendedState {
  readonly statements = new Map<string, PreparedStatement>();
  readonly portals = new Map<string, Portal>();

  setStatement(s: PreparedStatement): void {
    this.statements.delete(s.name);
    this.statements.set(s.name, s);
    trim(this.statements);
  }

  setPortal(p: Portal): void {
    this.portals.delete(p.name);
    this.portals.set(p.name, p);
    trim(this.portals);
  }

  /** DISCARD ALL / DEALLOCATE ALL ran. */
  forgetAll(): void {
    this.statements.clear();
    this.portals.clear();
  }
}

function trim<V>(m: Map<string, V>) {
  if (m.size <= MAX_NAMED) return;
  for (const key of m.keys()) {
    if (key === "") continue;
    m.delete(key);
    break;
  }
}
