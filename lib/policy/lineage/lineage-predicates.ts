import type { LineageSource, PredicateClause } from "./lineage-types";
import { unionSources } from "./lineage-values";
import { columnRefLineage } from "./lineage-columns";
import { expressionLineage } from "./lineage-expressions";
import { type Col, type Ctx, type Node, type Scope } from "./lineage-scope";

/** What a statement tests rather than returns (for inference): WHERE, JOIN, HAVING, ORDER/GROUP BY, windows, LIMIT. */

export function recordSources(clause: PredicateClause, sources: LineageSource[], ctx: Ctx): void {
  if (!ctx.recordsUses || sources.length === 0) return;
  ctx.predicates.push({ clause, sources });
}

export function recordPredicate(clause: PredicateClause, node: Node, scope: Scope, ctx: Ctx): void {
  const l = expressionLineage(node, scope, ctx);
  recordSources(clause, unionSources([l.sources, l.kind === "derived" ? (l.exempted ?? []) : []]), ctx);
}

/**
 * ORDER BY an output name: that output column; anything else: the expression. ORDER BY 2 names an
 * output column by a literal, which a statement's shape (the gateway's cache key) does not keep:
 * every output column counts, so the shape's lineage holds for every position.
 */
export function recordOutputAware(clause: PredicateClause, node: Node, columns: Col[], scope: Scope, ctx: Ctx): void {
  if (node?.A_Const?.ival !== undefined) {
    recordSources(clause, unionSources(columns.map((c) => c.lineage.sources)), ctx);
    return;
  }
  const fields = node?.ColumnRef?.fields;
  if (fields?.length === 1 && fields[0].String) {
    const byName = columns.find((c) => c.name === fields[0].String.sval && !c.isRest);
    if (byName && clause !== "group by") return recordSources(clause, byName.lineage.sources, ctx);
  }
  recordPredicate(clause, node, scope, ctx);
}

export function recordGroupBy(node: Node, columns: Col[], scope: Scope, ctx: Ctx): void {
  if (node?.GroupingSet) {
    for (const c of node.GroupingSet.content ?? []) recordGroupBy(c, columns, scope, ctx);
    return;
  }
  if (node?.RowExpr) {
    for (const c of node.RowExpr.args ?? []) recordGroupBy(c, columns, scope, ctx);
    return;
  }
  const fields = node?.ColumnRef?.fields;
  if (fields?.length === 1 && fields[0].String) {
    // GROUP BY prefers an input column; an output name otherwise.
    const l = columnRefLineage(fields, scope, ctx);
    if (l.kind === "undetermined" && l.reason.startsWith("unknown column")) {
      const byName = columns.find((c) => c.name === fields[0].String.sval);
      if (byName) return recordSources("group by", byName.lineage.sources, ctx);
    }
  }
  recordOutputAware("group by", node, columns, scope, ctx);
}

export function recordWindow(w: Node, scope: Scope, ctx: Ctx): void {
  for (const p of w.partitionClause ?? []) recordPredicate("window", p, scope, ctx);
  for (const s of w.orderClause ?? []) recordPredicate("window", s.SortBy?.node ?? s, scope, ctx);
}
