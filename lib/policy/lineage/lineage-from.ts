import type { ColumnLineage, LineageRelation } from "./lineage-types";
import { CONSTANT, SAMPLED_STATISTICS_COLUMNS, chooseFrom, deriveFrom, undetermined, unionSources } from "./lineage-values";
import { analyzeText } from "./analyze-lineage";
import { expressionLineage, funcName } from "./lineage-expressions";
import { recordPredicate } from "./lineage-predicates";
import { type Col, type Ctx, type Node, type RangeItem, type Scope, MAX_VIEW_DEPTH, aliasNames, findCte, newContext, nodeEntry, plainItem, renamed, starOf, walk } from "./lineage-scope";
import { analyzeSelect } from "./lineage-select";

/**
 * FROM items as lineage sees them: relations (views analysed through their definition, partitions,
 * every candidate of an unqualified name), subqueries (LATERAL too), functions, joins.
 */

export function addFromItem(item: Node, scope: Scope, ctx: Ctx): void {
  const { items, star } = fromItem(item, scope, ctx);
  scope.items.push(...items);
  scope.star.push(star);
}

export type FromResult = { items: RangeItem[]; star: Col[] };





export function fromItem(node: Node, scope: Scope, ctx: Ctx): FromResult {
  const [type, body] = nodeEntry(node);
  switch (type) {
    case "RangeVar": {
      const item = relationItem(body, scope, ctx);
      return { items: [item], star: starOf(item) };
    }
    case "RangeSubselect": {
      // A LATERAL subquery sees the FROM items before it; any other only the outer scopes.
      // (It still sees this level's CTEs.)
      const columns = analyzeSelect(body.subquery, ctx, body.lateral ? scope : { parent: scope.parent, items: [], star: [], ctes: scope.ctes });
      const item = plainItem(body.alias?.aliasname ?? null, null, renamed(columns, aliasNames(body.alias)), null);
      return { items: [item], star: starOf(item) };
    }
    case "RangeFunction": {
      const item = functionItem(body, scope, ctx);
      return { items: [item], star: starOf(item) };
    }
    case "RangeTableFunc": {
      const feed = deriveFrom([expressionLineage(body.docexpr, scope, ctx), expressionLineage(body.rowexpr, scope, ctx), ...(body.columns ?? []).map((c: Node) => expressionLineage(c.RangeTableFuncCol?.colexpr, scope, ctx))]);
      const columns = (body.columns ?? []).map((c: Node) => ({ name: c.RangeTableFuncCol.colname, lineage: c.RangeTableFuncCol.for_ordinality ? CONSTANT : feed }));
      const item = plainItem(body.alias?.aliasname ?? null, null, renamed(columns, aliasNames(body.alias)), null);
      return { items: [item], star: starOf(item) };
    }
    case "JsonTable": {
      const feed = expressionLineage(body.context_item?.JsonValueExpr?.raw_expr ?? body.context_item, scope, ctx);
      const columns: Col[] = [];
      walk(body.columns, (t, v) => {
        if (t === "JsonTableColumn" && v.name) columns.push({ name: v.name, lineage: v.coltype === "JTC_FOR_ORDINALITY" ? CONSTANT : feed });
      });
      const item = plainItem(body.alias?.aliasname ?? null, null, columns, null);
      return { items: [item], star: starOf(item) };
    }
    case "RangeTableSample":
      return fromItem(body.relation, scope, ctx);
    case "JoinExpr":
      return joinItem(body, scope, ctx);
    default: {
      const item = plainItem(null, null, [], undetermined(`FROM item ${type} is not analysed`));
      return { items: [item], star: starOf(item) };
    }
  }
}

export function joinItem(body: Node, scope: Scope, ctx: Ctx): FromResult {
  const left = fromItem(body.larg, scope, ctx);
  // A LATERAL item on the right sees the left side's items.
  scope.items.push(...left.items);
  const right = fromItem(body.rarg, scope, ctx);
  scope.items.splice(scope.items.length - left.items.length, left.items.length);
  const items = [...left.items, ...right.items];
  const joinScope: Scope = { ...scope, items: [...scope.items, ...items] };
  if (body.quals) recordPredicate("join", body.quals, joinScope, ctx);
  let using: string[] = (body.usingClause ?? []).map((n: Node) => n.String?.sval);
  if (body.isNatural) {
    const rightNames = new Set(right.star.map((c) => c.name));
    using = left.star.filter((c) => !c.isRest && rightNames.has(c.name)).map((c) => c.name);
  }
  let star = [...left.star, ...right.star];
  if (using.length > 0) {
    const merged = using.map((name) => ({ name, lineage: chooseFrom([...left.star, ...right.star].filter((c) => c.name === name || c.isRest).map((c) => c.lineage)) }));
    if (ctx.recordsUses) {
      const sources = unionSources(merged.map((m) => m.lineage.sources));
      if (sources.length > 0) ctx.predicates.push({ clause: "join", sources });
    }
    star = [...merged, ...left.star.filter((c) => !using.includes(c.name)), ...right.star.filter((c) => !using.includes(c.name))];
  }
  if (body.alias) {
    const hidden = items.map((i) => ({ ...i, nameVisible: false, columnsVisible: false }));
    const joined = plainItem(body.alias.aliasname, null, renamed(star, aliasNames(body.alias)), null);
    return { items: [...hidden, joined], star: starOf(joined) };
  }
  if (using.length > 0 && body.join_using_alias) {
    // JOIN … USING (x) AS j: j.x names the merged column (unqualified names resolve through the sides).
    const mergedItem: RangeItem = { refname: body.join_using_alias.aliasname, schema: null, columns: star.slice(0, using.length), rest: null, nameVisible: true, columnsVisible: false };
    return { items: [...items, mergedItem], star };
  }
  return { items, star };
}

/** A relation, CTE or view named in FROM (or as a write's target). */
export function relationItem(rv: Node, scope: Scope, ctx: Ctx): RangeItem {
  const schema: string | null = rv.schemaname ?? null;
  const name: string = rv.relname;
  const refname = rv.alias?.aliasname ?? name;
  const names = aliasNames(rv.alias);
  if (!schema) {
    const cte = findCte(scope, name);
    if (cte) {
      if (!cte.columns) return plainItem(refname, null, [], undetermined(`recursive CTE ${name} is referenced before it is defined`));
      return plainItem(refname, null, renamed(cte.columns, names), null);
    }
  }
  const columns = relationColumns(schema, name, ctx);
  if (!columns) return plainItem(refname, schema, [], undetermined(`relation ${schema ? `${schema}.` : ""}${name} is not loaded`));
  if (columns === "unknown") return plainItem(refname, schema, [], undetermined(`relation ${schema ? `${schema}.` : ""}${name} is not in the catalog`));
  return plainItem(refname, schema, renamed(columns, names), null);
}

/**
 * A relation's columns with their lineage: every candidate of an unqualified name feeds them (union
 * by position for `*`, by name for references). Views are their definition, analysed in turn.
 */
export function relationColumns(schema: string | null, name: string, ctx: Ctx): Col[] | "unknown" | undefined {
  const candidates = ctx.catalog.relations(schema, name);
  if (candidates === undefined) {
    ctx.missingRelations.set(`${schema ?? ""}.${name}`, { schema, name });
    return undefined;
  }
  if (candidates.length === 0) return "unknown";
  const each = candidates.map((r) => columnsOfRelation(r, ctx));
  if (each.length === 1) return each[0];
  const width = Math.max(...each.map((c) => c.length));
  const out: Col[] = [];
  for (let i = 0; i < width; i++) {
    const name = each.find((c) => c[i])![i]!.name;
    // Same name in another candidate, or the same position: either may be the one PostgreSQL picks.
    const parts = each.flatMap((cols) => cols.filter((c, j) => c.name === name || j === i).map((c) => c.lineage));
    out.push({ name, lineage: chooseFrom(parts) });
  }
  return out;
}

export function columnsOfRelation(r: LineageRelation, ctx: Ctx): Col[] {
  const sampled = r.schema === "pg_catalog" ? SAMPLED_STATISTICS_COLUMNS[r.name] : undefined;
  if (r.viewDefinition !== null && (r.kind === "v" || r.kind === "m")) {
    const viewColumns = viewLineage(r, ctx);
    return r.columns.map((c, i) => ({ name: c.name, lineage: sampled?.includes(c.name) ? undetermined("sampled column values") : (viewColumns[i]?.lineage ?? undetermined(`view ${r.schema}.${r.name} has more columns than its definition`)) }));
  }
  return r.columns.map((c) => ({ name: c.name, lineage: sampled?.includes(c.name) ? undetermined("sampled column values") : c.lineage }));
}

export function viewLineage(r: LineageRelation, ctx: Ctx): Col[] {
  const cached = ctx.views.get(r.oid);
  if (cached) return cached;
  const tooDeep = r.columns.map((c) => ({ name: c.name, lineage: undetermined(`view ${r.schema}.${r.name} is nested more than ${MAX_VIEW_DEPTH} views deep`) }));
  if (ctx.viewDepth >= MAX_VIEW_DEPTH) return tooDeep;
  // Guard against a view reached again through itself while analysed.
  ctx.views.set(r.oid, tooDeep);
  const inner: Ctx = { ...newContext(ctx.catalog, ctx.viewDepth + 1, false), missingRelations: ctx.missingRelations, missingFunctions: ctx.missingFunctions, missingOperators: ctx.missingOperators, untracedCode: ctx.untracedCode, touched: ctx.touched, views: ctx.views, work: ctx.work };
  const analysed = analyzeText(r.viewDefinition!, inner);
  const columns = analysed.undetermined || !analysed.columns ? r.columns.map((c) => ({ name: c.name, lineage: undetermined(analysed.undetermined ?? `view ${r.schema}.${r.name} has no columns`) })) : analysed.columns;
  ctx.views.set(r.oid, columns);
  return columns;
}

/** Set-returning (and other) functions whose output columns are known: names, and whether ordinality adds one. */
export const FUNCTION_COLUMNS: Record<string, readonly string[] | "per-argument"> = {
  unnest: "per-argument",
  generate_series: ["generate_series"],
  generate_subscripts: ["generate_subscripts"],
  regexp_matches: ["regexp_matches"],
  regexp_split_to_table: ["regexp_split_to_table"],
  string_to_table: ["string_to_table"],
  json_array_elements: ["value"],
  jsonb_array_elements: ["value"],
  json_array_elements_text: ["value"],
  jsonb_array_elements_text: ["value"],
  json_each: ["key", "value"],
  jsonb_each: ["key", "value"],
  json_each_text: ["key", "value"],
  jsonb_each_text: ["key", "value"],
  json_object_keys: ["json_object_keys"],
  jsonb_object_keys: ["jsonb_object_keys"],
  jsonb_path_query: ["jsonb_path_query"],
};

export function functionItem(body: Node, scope: Scope, ctx: Ctx): RangeItem {
  const lateralScope = scope; // functions in FROM may always refer to earlier FROM items
  const columns: Col[] = [];
  let rest: ColumnLineage | null = null;
  for (const f of body.functions ?? []) {
    const [call, coldefs] = f.List?.items ?? [];
    const lineage = expressionLineage(call, lateralScope, ctx);
    const fname = call?.FuncCall ? funcName(call.FuncCall).name : null;
    const defs: string[] = (coldefs?.List?.items ?? []).map((d: Node) => d.ColumnDef?.colname).filter(Boolean);
    const known = fname ? FUNCTION_COLUMNS[fname] : undefined;
    if (defs.length > 0) columns.push(...defs.map((name) => ({ name, lineage })));
    else if (known === "per-argument") {
      const args: Node[] = call.FuncCall.args ?? [];
      // Each array's elements are a column of their own, unless `unnest` is not PostgreSQL's (then all are opaque).
      args.forEach((a, i) => columns.push({ name: args.length === 1 ? "unnest" : `unnest${i + 1}`, lineage: lineage.kind === "undetermined" ? lineage : expressionLineage(a, lateralScope, ctx) }));
    } else if (known) columns.push(...known.map((name) => ({ name, lineage })));
    else if (fname && !body.is_rowsfrom && body.functions.length === 1) {
      // A function of unknown width: one column named after it, or a composite's columns; any name resolves.
      columns.push({ name: fname, lineage });
      rest = rest ? deriveFrom([rest, lineage]) : lineage;
    } else rest = rest ? deriveFrom([rest, lineage]) : lineage;
  }
  // After a function of unknown width, the ordinality column has no known position: the rest covers it.
  if (body.ordinality && !rest) columns.push({ name: "ordinality", lineage: CONSTANT });
  const names = aliasNames(body.alias);
  const refname = body.alias?.aliasname ?? (body.functions?.length === 1 ? funcName(body.functions[0].List.items[0]?.FuncCall ?? { funcname: [] }).name : null);
  // A single-column function's column takes the alias's name.
  const cols = columns.length === 1 && names.length === 0 && body.alias && !rest ? [{ ...columns[0]!, name: body.alias.aliasname }] : renamed(columns, names);
  return plainItem(refname ?? null, null, cols, rest);
}
