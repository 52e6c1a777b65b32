import type { ColumnLineage } from "./lineage-types";
import { CONSTANT, chooseFrom, deriveFrom, lineageKey, undetermined } from "./lineage-values";
import { analyzeStatement } from "./analyze-lineage";
import { targetColumns } from "./lineage-columns";
import { expressionLineage } from "./lineage-expressions";
import { addFromItem } from "./lineage-from";
import { recordGroupBy, recordOutputAware, recordPredicate, recordWindow } from "./lineage-predicates";
import { AnalysisTooComplex, type Col, type Cte, type Ctx, type Node, type Scope, childScope, walk } from "./lineage-scope";

/** Lineage of a SELECT's result columns: set operations, VALUES, WITH (recursive too), and its clauses' predicates. */

export function selectBody(node: Node): Node {
  return node?.SelectStmt ?? node;
}

/** The output columns of a SELECT (set operations, VALUES, WITH included). */
export function analyzeSelect(raw: Node, ctx: Ctx, parent: Scope | null): Col[] {
  if (--ctx.work.left < 0) throw new AnalysisTooComplex("the statement is too complex to analyse");
  const body = selectBody(raw);
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  let columns: Col[];
  if (body.op && body.op !== "SETOP_NONE") {
    const left = analyzeSelect(body.larg, ctx, scope);
    const right = analyzeSelect(body.rarg, ctx, scope);
    columns = combineColumnwise([left, right]);
  } else if (body.valuesLists) {
    const rows: Col[][] = body.valuesLists.map((row: Node) => (row.List?.items ?? []).map((e: Node, i: number) => ({ name: `column${i + 1}`, lineage: expressionLineage(e, scope, ctx) })));
    columns = combineColumnwise(rows);
  } else {
    for (const item of body.fromClause ?? []) addFromItem(item, scope, ctx);
    columns = targetColumns(body.targetList ?? [], scope, ctx);
    if (body.whereClause) recordPredicate("where", body.whereClause, scope, ctx);
    if (body.havingClause) recordPredicate("having", body.havingClause, scope, ctx);
    for (const g of body.groupClause ?? []) recordGroupBy(g, columns, scope, ctx);
    for (const d of body.distinctClause ?? []) if (d && Object.keys(d).length > 0) recordOutputAware("distinct on", d, columns, scope, ctx);
    for (const w of body.windowClause ?? []) recordWindow(w.WindowDef ?? w, scope, ctx);
  }
  for (const s of body.sortClause ?? []) recordOutputAware("order by", s.SortBy?.node ?? s, columns, scope, ctx);
  if (body.limitCount) recordPredicate("limit", body.limitCount, scope, ctx);
  if (body.limitOffset) recordPredicate("limit", body.limitOffset, scope, ctx);
  return columns;
}

/** Column-wise choice between branches (UNION/INTERSECT/EXCEPT, VALUES rows): names from the first. */
export function combineColumnwise(branches: Col[][]): Col[] {
  const first = branches[0] ?? [];
  if (branches.some((b) => b.some((c) => c.isRest))) {
    const all = branches.flat().map((c) => c.lineage);
    return [{ name: "?column?", lineage: chooseFrom(all), isRest: true }];
  }
  const width = Math.max(...branches.map((b) => b.length));
  const out: Col[] = [];
  for (let i = 0; i < width; i++) {
    const parts = branches.map((b) => b[i]?.lineage).filter((l): l is ColumnLineage => !!l);
    out.push({ name: first[i]?.name ?? `column${i + 1}`, lineage: chooseFrom(parts) });
  }
  return out;
}

/** Rounds of a recursive CTE's recursive term before its columns count as undetermined. */
const MAX_RECURSIVE_ROUNDS = 32;

export function addCtes(withClause: Node, scope: Scope, ctx: Ctx): void {
  const recursive = !!withClause.recursive;
  for (const c of withClause.ctes ?? []) {
    const cte = c.CommonTableExpr;
    const names: string[] = (cte.aliascolnames ?? []).map((n: Node) => n.String?.sval);
    const query = cte.ctequery;
    const rename = (cols: Col[] | null): Col[] | null => (cols ? cols.map((col, i) => ({ ...col, name: names[i] ?? col.name })) : cols);
    const body = query.SelectStmt;
    if (recursive && body && body.op === "SETOP_UNION" && referencesName(body.rarg, cte.ctename)) {
      // The recursive term sees the CTE as it is so far: start from the anchor, iterate to a fixed point.
      const entry: Cte = { columns: null, recursive: true };
      scope.ctes.set(cte.ctename, entry);
      const anchorScope = childScope(scope);
      if (body.withClause) addCtes(body.withClause, anchorScope, ctx);
      let columns = rename(analyzeSelect(body.larg, ctx, anchorScope))!;
      // Lineages only grow (more sources; direct, then derived, then undetermined), so this ends;
      // the rounds record no predicates or copies, the last run below does.
      const records = ctx.recordsUses;
      ctx.recordsUses = false;
      let converged = false;
      try {
        for (let round = 0; round < MAX_RECURSIVE_ROUNDS && !converged; round++) {
          entry.columns = columns;
          const recursiveTerm = rename(analyzeSelect(body.rarg, ctx, anchorScope))!;
          const next = combineColumnwise([columns, recursiveTerm]).map((col, i) => ({ ...col, name: columns[i]?.name ?? col.name }));
          converged = next.length === columns.length && next.every((col, i) => lineageKey(col.lineage) === lineageKey(columns[i]!.lineage));
          columns = next;
        }
      } finally {
        ctx.recordsUses = records;
      }
      if (!converged) columns = columns.map((col) => ({ ...col, lineage: undetermined(`recursive CTE ${cte.ctename} did not settle`, col.lineage.sources) }));
      entry.columns = withSearchAndCycle(cte, columns);
      analyzeSelect(body.rarg, ctx, anchorScope);
      continue;
    }
    const analysed = analyzeStatement(query, ctx, scope);
    scope.ctes.set(cte.ctename, { columns: rename(analysed.columns ?? []), recursive: false });
  }
}

export function referencesName(node: Node, name: string): boolean {
  let found = false;
  walk(node, (key, value) => {
    if (key === "RangeVar" && !value.schemaname && value.relname === name) found = true;
  });
  return found;
}

/**
 * SEARCH … SET seq and CYCLE … SET mark USING path add columns to a recursive CTE: the sequence and
 * the path hold the listed columns' values (derived from them), the mark whether a row repeats.
 */
function withSearchAndCycle(cte: Node, columns: Col[]): Col[] {
  const out = [...columns];
  const of = (list: Node[] | undefined) => deriveFrom([CONSTANT, ...(list ?? []).map((n: Node) => out.find((c) => c.name === n.String?.sval)?.lineage ?? CONSTANT)]);
  const search = cte.search_clause;
  if (search?.search_seq_column) out.push({ name: search.search_seq_column, lineage: of(search.search_col_list) });
  const cycle = cte.cycle_clause;
  if (cycle?.cycle_mark_column) out.push({ name: cycle.cycle_mark_column, lineage: of(cycle.cycle_col_list) });
  if (cycle?.cycle_path_column) out.push({ name: cycle.cycle_path_column, lineage: of(cycle.cycle_col_list) });
  return out;
}
