import { parseSync } from "libpg-query";
import type { LineageCatalog, LineageResult, LineageSource, PredicateUse, StatementLineage } from "./lineage-types";
import { CONSTANT } from "./lineage-values";
import { AnalysisTooComplex, type Ctx, type Node, type Scope, foldRest, missingOf, newContext, nodeEntry } from "./lineage-scope";
import { analyzeSelect } from "./lineage-select";
import { analyzeAlterTable, analyzeCopy, analyzeCreateTable, analyzeCreateTableAs, analyzeCreateView, analyzeDelete, analyzeInsert, analyzeMerge, analyzeUpdate, createRelationFrom } from "./lineage-writes";

export { EXEMPT_AGGREGATES } from "./lineage-values";
export { MAX_VIEW_DEPTH } from "./lineage-scope";

/**
 * Column lineage of one statement from PostgreSQL's parse tree (libpg-query: `loadClassifier()` must
 * have loaded the module) and a preloaded catalog. Pure and synchronous: what the catalog has not
 * loaded is listed in `missing`, and the caller loads it and runs the analysis again
 * (lib/db/lineage-catalog.ts `resolveLineage`). It never throws: input it cannot follow is
 * `undetermined`, which the policy fails closed on.
 *
 * The analysis depends on the statement's shape only (never on a literal's value), so the gateway
 * may cache it per statement shape.
 *
 * The rules, in short (lineage-values.ts has the lists):
 * - direct: a column reference through aliases, subqueries, CTEs, views and set operations; a cast
 *   to a text type of a direct value; min/max/any_value/mode/percentile_disc and the value window
 *   functions of one; COALESCE/NULLIF/GREATEST/LEAST whose arguments are direct or constants;
 * - derived: everything else computed, from the union of what feeds it (CASE conditions, function
 *   arguments, whole-row references, constructors), never from a subquery's WHERE (a predicate);
 *   constants, parameters and system columns have no sources; EXEMPT_AGGREGATES hide theirs;
 * - undetermined: dynamic SQL builtins, user functions and operators (their arguments kept as
 *   sources), unknown relations or columns, sampled statistics, views nested too deeply, and
 *   whatever the analysis cannot follow (several statements, EXECUTE, DO, CALL, too complex);
 * - untracedCode: what runs code whose writes are not seen (DO, CALL, user functions that may
 *   write, a statement too complex to follow), which the policy treats as a possible copy.
 * An unqualified relation name feeds from every candidate the catalog lists; a CTE shadows them.
 */
export function analyzeLineage(sql: string, catalog: LineageCatalog): LineageResult {
  const ctx = newContext(catalog, 0, true);
  let lineage: StatementLineage;
  try {
    lineage = analyzeText(sql, ctx);
  } catch (err) {
    const reason = err instanceof RangeError ? "the statement is nested too deeply to analyse" : err instanceof AnalysisTooComplex ? err.message : `the statement could not be analysed (${err instanceof Error ? err.message : String(err)})`;
    return { lineage: unfollowed(reason), missing: null };
  }
  const missing = missingOf(ctx);
  if (missing) return { lineage: wholeUndetermined("the catalog has not loaded every relation and function the statement names"), missing };
  return { lineage, missing: null };
}


export function wholeUndetermined(reason: string): StatementLineage {
  return { columns: null, copies: [], predicates: [], undetermined: reason };
}

/**
 * A statement the analysis could not follow at all (too complex, several in one text, its catalog
 * entries never loaded, too large): undetermined, and what it writes was not seen either, so it may
 * copy (the policy's copies setting decides). Not for text that does not parse: the server runs none of it.
 */
export function unfollowed(reason: string): StatementLineage {
  return { ...wholeUndetermined(reason), untracedCode: [reason] };
}

export function analyzeText(sql: string, ctx: Ctx): StatementLineage {
  let parsed: { stmts?: { stmt: Node }[] };
  try {
    parsed = parseSync(sql) as typeof parsed;
  } catch {
    return wholeUndetermined("the statement does not parse");
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length === 0) return { columns: null, copies: [], predicates: [], undetermined: null };
  if (stmts.length > 1) return unfollowed("several statements in one text are not analysed one by one");
  const out = analyzeStatement(stmts[0]!.stmt, ctx, null);
  const untraced = [...new Set(ctx.untracedCode)];
  const touched = distinctSources(ctx.touched);
  return {
    ...out,
    columns: out.columns && foldRest(out.columns),
    copies: ctx.copies,
    predicates: distinctPredicates(ctx.predicates),
    ...(untraced.length > 0 ? { untracedCode: untraced } : {}),
    ...(touched.length > 0 ? { touched } : {}),
  };
}

export type Analysed = Omit<StatementLineage, "copies" | "predicates">;

export function analyzeStatement(stmt: Node, ctx: Ctx, scope: Scope | null): Analysed {
  const [type, body] = nodeEntry(stmt);
  switch (type) {
    case "SelectStmt":
      return analyzeSelectStatement(body, ctx, scope);
    case "InsertStmt":
      return { columns: analyzeInsert(body, ctx, scope), undetermined: null };
    case "UpdateStmt":
      return { columns: analyzeUpdate(body, ctx, scope), undetermined: null };
    case "DeleteStmt":
      return { columns: analyzeDelete(body, ctx, scope), undetermined: null };
    case "MergeStmt":
      return { columns: analyzeMerge(body, ctx, scope), undetermined: null };
    case "CreateTableAsStmt":
      return analyzeCreateTableAs(body, ctx, scope);
    case "ViewStmt":
      return analyzeCreateView(body, ctx, scope);
    case "CopyStmt":
      return analyzeCopy(body, ctx, scope);
    case "DeclareCursorStmt": {
      const inner = analyzeStatement(body.query, ctx, scope);
      return { ...inner, declaresCursor: body.portalname };
    }
    case "FetchStmt":
      return { columns: null, undetermined: null, fetchesCursor: body.portalname ?? "" };
    case "PrepareStmt":
      // The gateway analyses the prepared text itself when it is executed.
      return { columns: null, undetermined: null };
    case "ExecuteStmt":
      return { columns: null, undetermined: "EXECUTE is analysed as the statement it runs" };
    case "ExplainStmt": {
      // The plan shows no column values (its estimates may hint at what a filter matches: the
      // predicates stay); only EXPLAIN ANALYZE runs the statement, and so its writes' copies.
      const copiesBefore = ctx.copies.length;
      const inner = analyzeStatement(body.query, ctx, scope);
      // `analyze 'off'` counts as running: a literal's value is not part of the statement's shape.
      const runs = (body.options ?? []).some((o: Node) => o.DefElem?.defname === "analyze");
      if (!runs) ctx.copies.splice(copiesBefore);
      return { columns: [{ name: "QUERY PLAN", lineage: CONSTANT }], undetermined: runs ? inner.undetermined : null };
    }
    case "DoStmt":
      ctx.untracedCode.push("DO runs procedural code that cannot be traced");
      return { columns: null, undetermined: "DO runs procedural code that cannot be traced" };
    case "CallStmt":
      ctx.untracedCode.push("CALL runs a procedure whose body cannot be traced");
      return { columns: null, undetermined: "CALL runs a procedure whose body cannot be traced" };
    case "CreateStmt":
      return analyzeCreateTable(body, ctx);
    case "AlterTableStmt":
      analyzeAlterTable(body, ctx, scope);
      return { columns: null, undetermined: null };
    case "VariableShowStmt":
      // SHOW ALL: name, setting, description.
      if (body.name === "all") return { columns: ["name", "setting", "description"].map((name) => ({ name, lineage: CONSTANT })), undetermined: null };
      return { columns: [{ name: body.name ?? "setting", lineage: CONSTANT }], undetermined: null };
    default:
      return { columns: null, undetermined: null };
  }
}

export function analyzeSelectStatement(body: Node, ctx: Ctx, scope: Scope | null): Analysed {
  if (body.intoClause) {
    const columns = analyzeSelect(body, ctx, scope);
    return createRelationFrom(body.intoClause, "table", columns, ctx);
  }
  return { columns: analyzeSelect(body, ctx, scope), undetermined: null };
}

function distinctSources(sources: readonly LineageSource[]): LineageSource[] {
  const seen = new Map<string, LineageSource>();
  for (const s of sources) seen.set(`${s.schema}.${s.table}.${s.column}`, s);
  return [...seen.values()];
}

/** One entry per clause and set of sources (a clause met again, as a CTE used twice, adds nothing). */
function distinctPredicates(predicates: PredicateUse[]): PredicateUse[] {
  const seen = new Set<string>();
  return predicates.filter((p) => {
    const key = `${p.clause}|${p.sources.map((s) => `${s.schema}.${s.table}.${s.column}`).join(",")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
