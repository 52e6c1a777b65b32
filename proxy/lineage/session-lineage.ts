import type { LineageRelation, LineageSource, OutputColumn, StatementLineage } from "@/lib/policy/lineage/lineage-types";
import { LruCache } from "@/lib/policy/lru-cache";
import type { SessionInfo } from "../hooks/gateway-hooks";
import type { SessionRelations } from "./resolution-catalog";

/**
 * What lineage remembers of one session: its cursors (DECLARE name -> the query's columns, for FETCH)
 * and its temporary tables made from queries (CREATE TEMP TABLE … AS, SELECT … INTO TEMP), whose
 * columns keep their sources' lineage for the session: reading them is masked as reading the
 * sources. Kept in a WeakMap on the session, so it ends with the session.
 */
export class SessionLineage implements SessionRelations {
  private readonly cursors = new Map<string, { columns: OutputColumn[] | null; undetermined: string | null; touched?: LineageSource[] }>();
  private readonly temporaries = new Map<string, LineageRelation>();
  /** Analyses that read this session's temporary tables depend on the session: cached here, per epoch. */
  private results: { epoch: number; generation: number; cache: LruCache<string, StatementLineage> } | null = null;
  private generation = 0;

  get hasTemporaries(): boolean {
    return this.temporaries.size > 0;
  }

  temporaryRelation(name: string): LineageRelation | undefined {
    return this.temporaries.get(name);
  }

  /** The session's own cache of analyses for this catalog epoch (emptied when its temporary tables change). */
  resultsFor(epoch: number): LruCache<string, StatementLineage> {
    if (!this.results || this.results.epoch !== epoch || this.results.generation !== this.generation) {
      this.results = { epoch, generation: this.generation, cache: new LruCache(256) };
    }
    return this.results.cache;
  }

  /**
   * The statement's lineage for this session: a FETCH gets its cursor's columns; a DECLARE and a
   * temporary table made from a query are remembered. Unknown cursors (declared in a function, or
   * before Warden saw the session) are undetermined.
   */
  apply(lineage: StatementLineage): StatementLineage {
    if (lineage.declaresCursor !== undefined) this.cursors.set(lineage.declaresCursor, { columns: lineage.columns, undetermined: lineage.undetermined, touched: lineage.touched });
    if (lineage.createsTemporary) this.recordTemporary(lineage.createsTemporary.name, lineage.createsTemporary.columns);
    if (lineage.fetchesCursor === undefined) return lineage;
    const cursor = this.cursors.get(lineage.fetchesCursor);
    if (!cursor) return { ...lineage, columns: null, undetermined: `cursor ${lineage.fetchesCursor} was not declared by a statement Warden analysed` };
    // A FETCH evaluates the cursor's query: what it touches is the FETCH's too.
    return { ...lineage, columns: cursor.columns, undetermined: cursor.undetermined, ...(cursor.touched ? { touched: cursor.touched } : {}) };
  }

  /** CLOSE name (null: CLOSE ALL). */
  closeCursor(name: string | null): void {
    if (name === null) this.cursors.clear();
    else this.cursors.delete(name);
  }

  /** DISCARD TEMP / DISCARD ALL drop the session's temporary tables (ALL its cursors too). */
  discard(what: "temp" | "all"): void {
    if (what === "all") this.cursors.clear();
    if (this.temporaries.size > 0) {
      this.temporaries.clear();
      this.generation++;
    }
  }

  private recordTemporary(name: string, columns: readonly OutputColumn[]): void {
    const relation: LineageRelation = {
      // Not a real OID: the analyzer only needs one to tell relations apart.
      oid: -1 - this.temporaries.size,
      schema: "pg_temp",
      name,
      kind: "r",
      columns: columns.filter((c) => !c.isRest).map((c, i) => ({ name: c.name, attnum: i + 1, typeOid: 0, lineage: c.lineage })),
      viewDefinition: null,
    };
    this.temporaries.set(name, relation);
    this.generation++;
  }
}

const states = new WeakMap<SessionInfo, SessionLineage>();

export function sessionLineageOf(session: SessionInfo): SessionLineage {
  let s = states.get(session);
  if (!s) states.set(session, (s = new SessionLineage()));
  return s;
}
