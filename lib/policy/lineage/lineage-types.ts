/**
 * Lineage: which table columns feed each result column of a statement, worked out from
 * PostgreSQL's parse tree (libpg-query) and the target's catalog. Pure types, shared by the
 * analyzer (./analyze-lineage.ts), the gateway (proxy/lineage) and the console's policy preview.
 */

/** A table column (`schema.table.column`), the shape masking's column rules are written in. */
export type LineageSource = { schema: string; table: string; column: string };

/**
 * How a result column's value relates to its sources:
 * - `direct`: it is a source's value itself (a column reference, through aliases, subqueries, CTEs,
 *   views, set operations, casts to a text type, `min`/`max`): the source's own mask applies;
 * - `derived`: computed from the sources (functions, operators, CASE, COALESCE, aggregates that can
 *   reveal a value, row and JSON constructors, whole-row references): the semantic type's mask for
 *   transformed values applies. No sources: a constant, a parameter, or an exempt aggregate
 *   (`exemptBy`: `count(email)` names "count" and keeps the sources it hides in `exempted`);
 * - `undetermined`: Warden cannot tell (an opaque function, dynamic SQL such as `query_to_xml`, a
 *   relation the catalog does not know): the policy's `masking.lineage.undetermined` applies.
 *   `sources`: what is known to feed it besides.
 */
export type ColumnLineage =
  | { kind: "direct"; sources: LineageSource[] }
  /** `untraced`: it also carries data stored outside any column (a large object, a setting): the detectors search it. */
  | { kind: "derived"; sources: LineageSource[]; exemptBy?: string; exempted?: LineageSource[]; untraced?: boolean }
  | { kind: "undetermined"; reason: string; sources: LineageSource[] };

/**
 * One result column, in order. `name`: the name PostgreSQL gives it (`?column?` when it has none),
 * for display. `isRest`: stands for any number of columns (`*` over a function whose columns Warden
 * cannot count, such as `jsonb_each(...)`): all of them have this lineage. At most one per statement,
 * and always the last (the analyzer folds the columns after it into it: their positions are unknown).
 */
export type OutputColumn = { name: string; lineage: ColumnLineage; isRest?: boolean };

/** Where a write puts values (for copies): a table's column, a new table/view, or the client (COPY TO). */
export type CopyTarget =
  | { kind: "column"; schema: string | null; table: string; column: string | null; isTemporary: boolean }
  | { kind: "new_relation"; schema: string | null; name: string; relationKind: "table" | "view" | "materialized_view"; isTemporary: boolean }
  | { kind: "client" }
  /** COPY … TO a file on the database server, or TO PROGRAM (added by the analyzer, additive). */
  | { kind: "server_file"; isProgram: boolean };

/** A write that moves values from `sources` into `target` (INSERT … SELECT, UPDATE … SET, CTAS, SELECT INTO, CREATE VIEW, COPY (query) TO). */
export type CopyFlow = { target: CopyTarget; lineage: ColumnLineage; targetColumnName?: string };

export const PREDICATE_CLAUSES = ["where", "join", "having", "order by", "group by", "distinct on", "window", "limit"] as const;
export type PredicateClause = (typeof PREDICATE_CLAUSES)[number];

/** Columns a statement tests rather than returns (inference): in WHERE, JOIN … ON, ORDER BY, GROUP BY… */
export type PredicateUse = { clause: PredicateClause; sources: LineageSource[] };

/**
 * A statement's lineage. `columns`: its result columns (null when it returns none, as most DDL and
 * writes without RETURNING). `undetermined`: the statement as a whole could not be analysed (why);
 * then every column counts as undetermined. Cursors and temp tables are session state that the
 * gateway keeps (proxy/lineage): `declaresCursor` (DECLARE name CURSOR FOR query: `columns` are the
 * query's), `fetchesCursor` (FETCH/MOVE name: the cursor's columns apply), `createsTemporary` (a
 * temporary table made from a query, whose columns keep their lineage for the session).
 */
export type StatementLineage = {
  columns: OutputColumn[] | null;
  copies: CopyFlow[];
  predicates: PredicateUse[];
  undetermined: string | null;
  /**
   * Code the statement runs whose writes lineage cannot see, one reason each (`DO runs procedural
   * code…`, `calls public.f, a user function that may write`): it may copy masked data where no
   * CopyFlow shows it, so the policy's `copies` setting applies to it. Absent: none.
   */
  untracedCode?: string[];
  /**
   * The source columns of every column reference the statement evaluates, wherever its value goes
   * (a result, a predicate, a subquery whose result is not shown): a server message may echo what
   * any of them computes (`invalid input syntax for type integer: "…"`). Absent: none.
   */
  touched?: LineageSource[];
  declaresCursor?: string;
  fetchesCursor?: string;
  createsTemporary?: { schema: string | null; name: string; columns: OutputColumn[] };
};

/** A relation as lineage needs it. `columns` in attribute order (dropped ones left out), each with the lineage it has. */
export type LineageRelation = {
  oid: number;
  schema: string;
  name: string;
  /** pg_class.relkind: r table, p partitioned, v view, m materialized view, f foreign… */
  kind: string;
  columns: { name: string; attnum: number; typeOid: number; lineage: ColumnLineage }[];
  /** Views (and materialized views): the definition (pg_get_viewdef), analysed in turn for its columns' lineage. */
  viewDefinition: string | null;
};

/**
 * The catalog the analyzer reads, synchronously (preloaded). Answers `undefined` for what is not
 * loaded yet: the analyzer lists it in `LineageResult.missing`, the caller loads it and runs the
 * analysis again. An unqualified name lists every relation of that name in any schema the session
 * may see (Warden does not follow the session's search_path: each candidate's columns feed the
 * result, so a result is never traced to an unmasked table when a masked one is meant).
 */
export type LineageCatalog = {
  relations(schema: string | null, name: string): LineageRelation[] | undefined;
  /** `builtin`: a pg_catalog function (its result is computed from its arguments); `user`: any other (opaque). */
  functionKind(schema: string | null, name: string): "builtin" | "user" | undefined;
  /**
   * Whether a user function of that name may write (some function of the name is VOLATILE: STABLE
   * and IMMUTABLE ones cannot run INSERT, UPDATE or DELETE). Optional: without it, or undefined, a
   * user function is taken to write.
   */
  functionMayWrite?(schema: string | null, name: string): boolean | undefined;
  /**
   * Operators by (unqualified) name: "user" when a schema other than pg_catalog defines one of that
   * name, which may be the one PostgreSQL picks for its argument types (opaque, like a user function).
   * Optional (added by the analyzer, additive): without it only the names of PostgreSQL's own
   * operators are checked.
   */
  operatorKind?(name: string): "builtin" | "user" | undefined;
};

export type MissingCatalogEntries = { relations: { schema: string | null; name: string }[]; functions: { schema: string | null; name: string }[]; operators?: string[] };

export type LineageResult = { lineage: StatementLineage; missing: MissingCatalogEntries | null };
