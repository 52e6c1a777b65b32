import { parseSync } from "libpg-query";
import type { ColumnLineage, CopyFlow, CopyTarget, LineageCatalog, LineageRelation, LineageResult, LineageSource, MissingCatalogEntries, OutputColumn, PredicateClause, PredicateUse, StatementLineage } from "./lineage-types";
import { CONSTANT, DYNAMIC_SQL_FUNCTIONS, EXEMPT_AGGREGATES, SAMPLED_STATISTICS_COLUMNS, SYSTEM_COLUMNS, TEXT_TYPES, VALUE_PRESERVING_FUNCTIONS, chooseFrom, deriveFrom, lineageKey, undetermined, unionSources } from "./lineage-values";

export { EXEMPT_AGGREGATES } from "./lineage-values";

/**
 * Column lineage of one statement from PostgreSQL's parse tree (libpg-query: `loadClassifier()` must
 * have loaded the module) and a preloaded catalog. Pure and synchronous: what the catalog has not
 * loaded is listed in `missing`, and the caller loads it and runs the analysis again
 * (lib/db/lineage-catalog.ts `resolveLineage`). It never throws: input it cannot follow is
 * `undetermined`, which the policy fails closed on.
 *
 * The analysis depends on the statement's shape only (never on a literal's value), so the gateway
 * may cache it per statement shape.
 */
export function analyzeLineage(sql: string, catalog: LineageCatalog): LineageResult {
  const ctx = newContext(catalog, 0, true);
  let lineage: StatementLineage;
  try {
    lineage = analyzeText(sql, ctx);
  } catch (err) {
    const reason = err instanceof RangeError ? "the statement is nested too deeply to analyse" : `the statement could not be analysed (${err instanceof Error ? err.message : String(err)})`;
    return { lineage: wholeUndetermined(reason), missing: null };
  }
  const missing = missingOf(ctx);
  if (missing) return { lineage: wholeUndetermined("the catalog has not loaded every relation and function the statement names"), missing };
  return { lineage, missing: null };
}

/** How many views over views are followed before a column counts as undetermined. */
export const MAX_VIEW_DEPTH = 4;

// ---------------------------------------------------------------------------------------------
// Context and scopes

type Node = any; // libpg-query's protobuf JSON: { NodeType: { ...fields } }
type Col = OutputColumn;

type Ctx = {
  catalog: LineageCatalog;
  missingRelations: Map<string, { schema: string | null; name: string }>;
  missingFunctions: Map<string, { schema: string | null; name: string }>;
  /** Predicates and copies are the statement's own: a view's definition records none. */
  recordsUses: boolean;
  predicates: PredicateUse[];
  copies: CopyFlow[];
  viewDepth: number;
  views: Map<number, Col[]>;
};

function newContext(catalog: LineageCatalog, viewDepth: number, recordsUses: boolean): Ctx {
  return { catalog, missingRelations: new Map(), missingFunctions: new Map(), recordsUses, predicates: [], copies: [], viewDepth, views: new Map() };
}

function missingOf(ctx: Ctx): MissingCatalogEntries | null {
  if (ctx.missingRelations.size === 0 && ctx.missingFunctions.size === 0) return null;
  return { relations: [...ctx.missingRelations.values()], functions: [...ctx.missingFunctions.values()] };
}

/** A FROM item: a relation, subquery, CTE, function or aliased join, with the columns it offers. */
type RangeItem = {
  refname: string | null;
  /** For `schema.table.column` references to an unaliased relation. */
  schema: string | null;
  /** Columns in order (for `*`). */
  columns: Col[];
  /** Any other column name resolves here (a function of unknown width, an unknown relation). */
  rest: ColumnLineage | null;
  /** Reachable by its name (`c.email`, `c`): not the members of an aliased join. */
  nameVisible: boolean;
  /** Its columns resolve unqualified names: not the members of an aliased join (the join does). */
  columnsVisible: boolean;
};

type Cte = { columns: Col[] | null; recursive: boolean };

type Scope = {
  parent: Scope | null;
  items: RangeItem[];
  /** `*`: the columns of each top-level FROM entry, in order. */
  star: Col[][];
  ctes: Map<string, Cte>;
};

function childScope(parent: Scope | null): Scope {
  return { parent, items: [], star: [], ctes: new Map() };
}

function findCte(scope: Scope | null, name: string): Cte | undefined {
  for (let s = scope; s; s = s.parent) {
    const cte = s.ctes.get(name);
    if (cte) return cte;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Statements

function wholeUndetermined(reason: string): StatementLineage {
  return { columns: null, copies: [], predicates: [], undetermined: reason };
}

function analyzeText(sql: string, ctx: Ctx): StatementLineage {
  let parsed: { stmts?: { stmt: Node }[] };
  try {
    parsed = parseSync(sql) as typeof parsed;
  } catch {
    return wholeUndetermined("the statement does not parse");
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length === 0) return { columns: null, copies: [], predicates: [], undetermined: null };
  if (stmts.length > 1) return wholeUndetermined("several statements in one text are not analysed one by one");
  const out = analyzeStatement(stmts[0]!.stmt, ctx, null);
  return { ...out, columns: out.columns && foldRest(out.columns), copies: ctx.copies, predicates: ctx.predicates };
}

type Analysed = Omit<StatementLineage, "copies" | "predicates">;

function analyzeStatement(stmt: Node, ctx: Ctx, scope: Scope | null): Analysed {
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
      return { columns: null, undetermined: "DO runs procedural code that cannot be traced" };
    case "CallStmt":
      return { columns: null, undetermined: "CALL runs a procedure whose body cannot be traced" };
    case "AlterTableStmt":
      analyzeAlterTable(body, ctx, scope);
      return { columns: null, undetermined: null };
    case "VariableShowStmt":
      return { columns: [{ name: body.name ?? "setting", lineage: CONSTANT }], undetermined: null };
    default:
      return { columns: null, undetermined: null };
  }
}

function analyzeSelectStatement(body: Node, ctx: Ctx, scope: Scope | null): Analysed {
  if (body.intoClause) {
    const columns = analyzeSelect(body, ctx, scope);
    return createRelationFrom(body.intoClause, "table", columns, ctx);
  }
  return { columns: analyzeSelect(body, ctx, scope), undetermined: null };
}

// ---------------------------------------------------------------------------------------------
// SELECT

function selectBody(node: Node): Node {
  return node?.SelectStmt ?? node;
}

/** The output columns of a SELECT (set operations, VALUES, WITH included). */
function analyzeSelect(raw: Node, ctx: Ctx, parent: Scope | null): Col[] {
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
function combineColumnwise(branches: Col[][]): Col[] {
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

/**
 * A rest column stands for zero or more columns, so the columns after it have no known position:
 * it absorbs them (each may be any of them). At most one rest per statement, always last.
 */
function foldRest(columns: Col[]): Col[] {
  const at = columns.findIndex((c) => c.isRest);
  if (at < 0 || at === columns.length - 1) return columns;
  return [...columns.slice(0, at), { name: columns[at]!.name, lineage: chooseFrom(columns.slice(at).map((c) => c.lineage)), isRest: true }];
}

function addCtes(withClause: Node, scope: Scope, ctx: Ctx): void {
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
      for (let round = 0; round < 16; round++) {
        entry.columns = columns;
        const recursiveTerm = rename(analyzeSelect(body.rarg, ctx, anchorScope))!;
        const next = combineColumnwise([columns, recursiveTerm]).map((col, i) => ({ ...col, name: columns[i]?.name ?? col.name }));
        const same = next.length === columns.length && next.every((col, i) => lineageKey(col.lineage) === lineageKey(columns[i]!.lineage));
        columns = next;
        if (same) break;
      }
      entry.columns = columns;
      continue;
    }
    const analysed = analyzeStatement(query, ctx, scope);
    scope.ctes.set(cte.ctename, { columns: rename(analysed.columns ?? []), recursive: false });
  }
}

function referencesName(node: Node, name: string): boolean {
  let found = false;
  walk(node, (key, value) => {
    if (key === "RangeVar" && !value.schemaname && value.relname === name) found = true;
  });
  return found;
}

/** A parse node's type and fields (`{ SelectStmt: {...} }` -> ["SelectStmt", {...}]). */
function nodeEntry(node: Node): [string | undefined, Node] {
  if (!node || typeof node !== "object") return [undefined, undefined];
  const k = Object.keys(node)[0];
  return k === undefined ? [undefined, undefined] : [k, node[k]];
}

function walk(node: Node, visit: (type: string, value: Node) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [k, v] of Object.entries(node)) {
    if (v && typeof v === "object") {
      if (/^[A-Z]/.test(k)) visit(k, v);
      walk(v, visit);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// FROM

function addFromItem(item: Node, scope: Scope, ctx: Ctx): void {
  const { items, star } = fromItem(item, scope, ctx);
  scope.items.push(...items);
  scope.star.push(star);
}

type FromResult = { items: RangeItem[]; star: Col[] };

function aliasNames(alias: Node): string[] {
  return (alias?.colnames ?? []).map((n: Node) => n.String?.sval);
}

function renamed(columns: Col[], names: string[]): Col[] {
  return columns.map((c, i) => (names[i] !== undefined && !c.isRest ? { ...c, name: names[i]! } : c));
}

function plainItem(refname: string | null, schema: string | null, unfolded: Col[], rest: ColumnLineage | null): RangeItem {
  const columns = foldRest(unfolded);
  return { refname, schema, columns: columns.filter((c) => !c.isRest), rest: rest ?? columns.find((c) => c.isRest)?.lineage ?? null, nameVisible: true, columnsVisible: true };
}

function starOf(item: RangeItem): Col[] {
  return item.rest ? [...item.columns, { name: "?column?", lineage: item.rest, isRest: true }] : item.columns;
}

function fromItem(node: Node, scope: Scope, ctx: Ctx): FromResult {
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

function joinItem(body: Node, scope: Scope, ctx: Ctx): FromResult {
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
  if (using.length > 0) {
    // The merged columns resolve unqualified names to either side's value.
    const mergedItem: RangeItem = { refname: null, schema: null, columns: star.slice(0, using.length), rest: null, nameVisible: false, columnsVisible: false };
    return { items: [...items, mergedItem], star };
  }
  return { items, star };
}

/** A relation, CTE or view named in FROM (or as a write's target). */
function relationItem(rv: Node, scope: Scope, ctx: Ctx): RangeItem {
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
function relationColumns(schema: string | null, name: string, ctx: Ctx): Col[] | "unknown" | undefined {
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

function columnsOfRelation(r: LineageRelation, ctx: Ctx): Col[] {
  const sampled = r.schema === "pg_catalog" ? SAMPLED_STATISTICS_COLUMNS[r.name] : undefined;
  if (r.viewDefinition !== null && (r.kind === "v" || r.kind === "m")) {
    const viewColumns = viewLineage(r, ctx);
    return r.columns.map((c, i) => ({ name: c.name, lineage: sampled?.includes(c.name) ? undetermined("sampled column values") : (viewColumns[i]?.lineage ?? undetermined(`view ${r.schema}.${r.name} has more columns than its definition`)) }));
  }
  return r.columns.map((c) => ({ name: c.name, lineage: sampled?.includes(c.name) ? undetermined("sampled column values") : c.lineage }));
}

function viewLineage(r: LineageRelation, ctx: Ctx): Col[] {
  const cached = ctx.views.get(r.oid);
  if (cached) return cached;
  const tooDeep = r.columns.map((c) => ({ name: c.name, lineage: undetermined(`view ${r.schema}.${r.name} is nested more than ${MAX_VIEW_DEPTH} views deep`) }));
  if (ctx.viewDepth >= MAX_VIEW_DEPTH) return tooDeep;
  // Guard against a view reached again through itself while analysed.
  ctx.views.set(r.oid, tooDeep);
  const inner: Ctx = { ...newContext(ctx.catalog, ctx.viewDepth + 1, false), missingRelations: ctx.missingRelations, missingFunctions: ctx.missingFunctions, views: ctx.views };
  const analysed = analyzeText(r.viewDefinition!, inner);
  const columns = analysed.undetermined || !analysed.columns ? r.columns.map((c) => ({ name: c.name, lineage: undetermined(analysed.undetermined ?? `view ${r.schema}.${r.name} has no columns`) })) : analysed.columns;
  ctx.views.set(r.oid, columns);
  return columns;
}

/** Set-returning (and other) functions whose output columns are known: names, and whether ordinality adds one. */
const FUNCTION_COLUMNS: Record<string, readonly string[] | "per-argument"> = {
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

function functionItem(body: Node, scope: Scope, ctx: Ctx): RangeItem {
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
      args.forEach((a, i) => columns.push({ name: args.length === 1 ? "unnest" : `unnest${i + 1}`, lineage: expressionLineage(a, lateralScope, ctx) }));
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

// ---------------------------------------------------------------------------------------------
// Target list and column references

function targetColumns(targets: Node[], scope: Scope, ctx: Ctx): Col[] {
  const out: Col[] = [];
  for (const t of targets) {
    const rt = t.ResTarget ?? t;
    const fields: Node[] | undefined = rt.val?.ColumnRef?.fields;
    if (fields && fields[fields.length - 1]?.A_Star) {
      out.push(...expandStar(fields.slice(0, -1).map((f) => f.String?.sval), scope));
      continue;
    }
    out.push({ name: rt.name ?? columnName(rt.val, scope, ctx), lineage: expressionLineage(rt.val, scope, ctx) });
  }
  return out;
}

function expandStar(qualifier: string[], scope: Scope): Col[] {
  if (qualifier.length === 0) return scope.star.flat();
  const item = findItem(qualifier, scope);
  if (!item) return [{ name: "?column?", lineage: undetermined(`unknown relation ${qualifier.join(".")}`), isRest: true }];
  return starOf(item);
}

function findItem(qualifier: string[], scope: Scope | null): RangeItem | undefined {
  const [a, b, c] = qualifier;
  for (let s = scope; s; s = s.parent) {
    const found = s.items.find((i) => {
      if (!i.nameVisible) return false;
      if (qualifier.length === 1) return i.refname === a;
      if (qualifier.length === 2) return i.refname === b && i.schema === a;
      return i.refname === c && i.schema === b;
    });
    if (found) return found;
    // `schema.table` naming a relation given without its schema: match by name.
    if (qualifier.length >= 2) {
      const byName = s.items.find((i) => i.nameVisible && i.refname === qualifier[qualifier.length - 1]);
      if (byName) return byName;
    }
  }
  return undefined;
}

function columnOf(item: RangeItem, name: string): ColumnLineage | undefined {
  const matches = item.columns.filter((c) => c.name === name).map((c) => c.lineage);
  if (matches.length > 0) return chooseFrom(matches);
  if ((SYSTEM_COLUMNS as readonly string[]).includes(name)) return CONSTANT;
  return item.rest ?? undefined;
}

/** A whole-row reference (`c`, `c.*` in an expression): a row built from every column. */
function wholeRow(item: RangeItem): ColumnLineage {
  return deriveFrom(starOf(item).map((c) => c.lineage).concat(CONSTANT));
}

function columnRefLineage(fields: Node[], scope: Scope, ctx: Ctx): ColumnLineage {
  const names: (string | null)[] = fields.map((f) => (f.A_Star ? null : (f.String?.sval ?? null)));
  if (names[names.length - 1] === null) {
    // `c.*` inside an expression: the whole row.
    const item = findItem(names.slice(0, -1) as string[], scope);
    if (!item) return names.length === 1 ? deriveFrom(scope.star.flat().map((c) => c.lineage).concat(CONSTANT)) : undetermined(`unknown relation ${names.slice(0, -1).join(".")}`);
    return wholeRow(item);
  }
  if (names.length === 1) {
    const name = names[0]!;
    for (let s: Scope | null = scope; s; s = s.parent) {
      const hits = s.items.filter((i) => i.columnsVisible).map((i) => columnOf(i, name)).filter((l): l is ColumnLineage => !!l);
      if (hits.length > 0) return chooseFrom(hits);
      const item = s.items.find((i) => i.nameVisible && i.refname === name);
      if (item) return wholeRow(item);
    }
    if ((SYSTEM_COLUMNS as readonly string[]).includes(name)) return CONSTANT;
    return undetermined(`unknown column ${name}`);
  }
  // qualifier.column, or schema.table.column; or a composite column's field (c.addr.city): try each.
  for (let take = Math.min(names.length - 1, 3); take >= 1; take--) {
    const item = findItem(names.slice(0, take) as string[], scope);
    if (!item) continue;
    const col = columnOf(item, names[take]!);
    if (!col) return undetermined(`unknown column ${names.join(".")}`);
    return take + 1 < names.length ? deriveFrom([col]) : col;
  }
  // A composite column's field, `addr.city` with addr a column.
  const base = columnRefLineage([fields[0]], scope, ctx);
  return base.kind === "undetermined" ? undetermined(`unknown column ${names.join(".")}`, base.sources) : deriveFrom([base]);
}

// ---------------------------------------------------------------------------------------------
// Expressions

function funcName(call: Node): { schema: string | null; name: string } {
  const parts: string[] = (call.funcname ?? []).map((n: Node) => n.String?.sval);
  return { schema: parts.length > 1 ? parts[parts.length - 2]! : null, name: parts[parts.length - 1] ?? "" };
}

function functionKind(schema: string | null, name: string, ctx: Ctx): "builtin" | "user" | undefined {
  if (schema === "pg_catalog") return "builtin";
  const kind = ctx.catalog.functionKind(schema, name);
  if (kind === undefined) ctx.missingFunctions.set(`${schema ?? ""}.${name}`, { schema, name });
  return kind;
}

function isTextType(typeName: Node): boolean {
  if (typeName?.arrayBounds?.length) return false;
  const names: string[] = (typeName?.names ?? []).map((n: Node) => n.String?.sval);
  return (TEXT_TYPES as readonly string[]).includes(names[names.length - 1] ?? "");
}

function many(nodes: Node[] | undefined, scope: Scope, ctx: Ctx): ColumnLineage[] {
  return (nodes ?? []).map((n) => expressionLineage(n, scope, ctx));
}

function expressionLineage(node: Node, scope: Scope, ctx: Ctx): ColumnLineage {
  if (node === undefined || node === null) return CONSTANT;
  if (Array.isArray(node)) return deriveFrom(many(node, scope, ctx));
  const [type, body] = nodeEntry(node);
  if (!type) return CONSTANT;
  switch (type) {
    case "ColumnRef":
      return columnRefLineage(body.fields ?? [], scope, ctx);
    case "A_Const":
    case "ParamRef":
    case "SQLValueFunction":
    case "SetToDefault":
    case "CurrentOfExpr":
      return CONSTANT;
    case "TypeCast": {
      const arg = expressionLineage(body.arg, scope, ctx);
      if (arg.kind === "direct" && isTextType(body.typeName)) return arg;
      return arg.kind === "direct" ? deriveFrom([arg]) : arg;
    }
    case "CollateClause":
      return expressionLineage(body.arg, scope, ctx);
    case "A_Expr": {
      if (body.kind === "AEXPR_NULLIF") return chooseFrom(many([body.lexpr, body.rexpr], scope, ctx));
      return deriveFrom([expressionLineage(body.lexpr, scope, ctx), expressionLineage(body.rexpr, scope, ctx)]);
    }
    case "CoalesceExpr":
    case "MinMaxExpr":
      return chooseFrom(many(body.args, scope, ctx));
    case "CaseExpr":
      return deriveFrom([expressionLineage(body.arg, scope, ctx), ...(body.args ?? []).flatMap((w: Node) => [expressionLineage(w.CaseWhen?.expr, scope, ctx), expressionLineage(w.CaseWhen?.result, scope, ctx)]), expressionLineage(body.defresult, scope, ctx)]);
    case "FuncCall":
      return functionLineage(body, scope, ctx);
    case "SubLink":
      return subLinkLineage(body, scope, ctx);
    case "A_Indirection": {
      const fieldNames = (body.indirection ?? []).map((i: Node) => i.String?.sval);
      // `(c).email`: a whole-row reference's field is that column.
      const ref = body.arg?.ColumnRef?.fields;
      if (ref && fieldNames.length === 1 && fieldNames[0]) {
        const item = findItem(ref.map((f: Node) => f.String?.sval), scope);
        const isColumn = ref.length === 1 && columnRefLineage(ref, scope, ctx).kind !== "undetermined" && scope.items.some((i) => i.columnsVisible && columnOf(i, ref[0].String?.sval));
        if (item && !isColumn) return columnOf(item, fieldNames[0]) ?? undetermined(`unknown column ${fieldNames[0]}`);
      }
      return deriveFrom([expressionLineage(body.arg, scope, ctx), ...(body.indirection ?? []).map((i: Node) => (i.A_Indices ? deriveFrom([expressionLineage(i.A_Indices.lidx, scope, ctx), expressionLineage(i.A_Indices.uidx, scope, ctx)]) : CONSTANT))]);
    }
    case "GroupingFunc":
      return CONSTANT;
    case "JsonObjectAgg":
    case "JsonArrayAgg": {
      const agg = body.constructor ?? {};
      if (agg.agg_filter) recordPredicate("where", agg.agg_filter, scope, ctx);
      for (const o of agg.agg_order ?? []) recordPredicate("order by", o.SortBy?.node ?? o, scope, ctx);
      if (agg.over) recordWindow(agg.over, scope, ctx);
      return deriveFrom(childExpressions({ arg: body.arg }).map((c) => expressionLineage(c, scope, ctx)));
    }
    default:
      // Operators, boolean tests, row/array/XML/JSON constructors…: computed from everything inside.
      return deriveFrom(childExpressions(body).map((c) => expressionLineage(c, scope, ctx)));
  }
}

/** The expression nodes directly below a node (through lists and wrapper structs that are not nodes). */
function childExpressions(body: Node): Node[] {
  const out: Node[] = [];
  const visit = (v: Node) => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== "object") return;
    const keys = Object.keys(v);
    if (keys.length === 1 && /^[A-Z]/.test(keys[0]!)) {
      const t = keys[0]!;
      // Type names and output formats carry no values; a list wraps nodes.
      if (t === "TypeName" || t === "JsonFormat" || t === "JsonReturning" || t === "JsonOutput" || t === "String" || t === "Integer" || t === "Float" || t === "Boolean") return;
      if (t === "List") return visit(v.List.items);
      out.push(v);
      return;
    }
    for (const [k, x] of Object.entries(v)) if (k !== "typeName" && k !== "returning" && k !== "output" && k !== "format") visit(x);
  };
  for (const [k, v] of Object.entries(body ?? {})) if (k !== "typeName" && k !== "output" && k !== "format") visit(v);
  return out;
}

function functionLineage(call: Node, scope: Scope, ctx: Ctx): ColumnLineage {
  const { schema, name } = funcName(call);
  if (call.agg_filter) recordPredicate("where", call.agg_filter, scope, ctx);
  // WITHIN GROUP (ORDER BY x): x is what the aggregate reads (mode() returns one of its values).
  const ordered: Node[] = (call.agg_order ?? []).map((s: Node) => s.SortBy?.node ?? s);
  if (!call.agg_within_group) for (const o of ordered) recordPredicate("order by", o, scope, ctx);
  if (call.over) recordWindow(call.over, scope, ctx);
  const withinGroup = call.agg_within_group ? many(ordered, scope, ctx) : [];
  const args = [...withinGroup, ...many(call.args, scope, ctx)];
  const kind = functionKind(schema, name, ctx);
  if (kind === undefined) return undetermined(`function ${name} is not loaded`, unionSources(args.map((a) => a.sources)));
  const sources = unionSources(args.map((a) => a.sources));
  if (kind === "user") return undetermined(`${schema ? `${schema}.` : ""}${name} is a user function, opaque to lineage`, sources);
  if ((DYNAMIC_SQL_FUNCTIONS as readonly string[]).includes(name)) return undetermined(`${name} runs SQL or reads data that cannot be traced`, sources);
  if ((EXEMPT_AGGREGATES as readonly string[]).includes(name)) {
    const inner = deriveFrom(args);
    if (inner.kind === "undetermined") return inner;
    return { kind: "derived", sources: [], exemptBy: name, exempted: sources };
  }
  if ((VALUE_PRESERVING_FUNCTIONS as readonly string[]).includes(name) && args.length > 0) {
    const valueArgs = name === "lag" || name === "lead" ? [args[0]!, ...(args[2] ? [args[2]] : [])] : [args[0]!];
    const controls = name === "lag" || name === "lead" ? args.slice(1, 2) : args.slice(1);
    const value = chooseFrom(valueArgs);
    if (value.kind === "direct" && controls.every((c) => c.kind !== "undetermined" && c.sources.length === 0)) return value;
  }
  return deriveFrom(args);
}

function subLinkLineage(link: Node, scope: Scope, ctx: Ctx): ColumnLineage {
  const columns = analyzeSelect(link.subselect, ctx, scope);
  const test = expressionLineage(link.testexpr, scope, ctx);
  switch (link.subLinkType) {
    case "EXPR_SUBLINK":
      return columns.length === 1 && !columns[0]!.isRest ? columns[0]!.lineage : deriveFrom(columns.map((c) => c.lineage));
    case "EXISTS_SUBLINK":
      return CONSTANT;
    default:
      // ARRAY(subquery), IN/ANY/ALL, row comparisons: computed from the subquery's columns.
      return deriveFrom([test, ...columns.map((c) => c.lineage)]);
  }
}

/** The name PostgreSQL gives an unnamed result column (FigureColname, roughly). */
function columnName(node: Node, scope: Scope, ctx: Ctx): string {
  const [type, body] = nodeEntry(node ?? {});
  switch (type) {
    case "ColumnRef": {
      const last = body.fields?.[body.fields.length - 1];
      return last?.String?.sval ?? "?column?";
    }
    case "FuncCall":
      return funcName(body).name;
    case "A_Indirection": {
      const last = body.indirection?.[body.indirection.length - 1];
      return last?.String?.sval ?? columnName(body.arg, scope, ctx);
    }
    case "TypeCast": {
      const inner = columnName(body.arg, scope, ctx);
      if (inner !== "?column?") return inner;
      const names = body.typeName?.names ?? [];
      return names[names.length - 1]?.String?.sval ?? "?column?";
    }
    case "CollateClause":
      return columnName(body.arg, scope, ctx);
    case "CaseExpr":
      return "case";
    case "CoalesceExpr":
      return "coalesce";
    case "MinMaxExpr":
      return body.op === "IS_GREATEST" ? "greatest" : "least";
    case "A_Expr":
      return body.kind === "AEXPR_NULLIF" ? "nullif" : "?column?";
    case "A_ArrayExpr":
      return "array";
    case "RowExpr":
      return "row";
    case "GroupingFunc":
      return "grouping";
    case "SubLink":
      if (body.subLinkType === "EXISTS_SUBLINK") return "exists";
      if (body.subLinkType === "ARRAY_SUBLINK") return "array";
      if (body.subLinkType === "EXPR_SUBLINK") {
        const inner = selectBody(body.subselect);
        const first = inner?.targetList?.[0]?.ResTarget;
        return first ? (first.name ?? columnName(first.val, scope, ctx)) : "?column?";
      }
      return "?column?";
    case "JsonObjectConstructor":
      return "json_object";
    case "JsonObjectAgg":
      return "json_objectagg";
    case "JsonArrayAgg":
      return "json_arrayagg";
    case "JsonArrayConstructor":
    case "JsonArrayQueryConstructor":
      return "json_array";
    default:
      return "?column?";
  }
}

// ---------------------------------------------------------------------------------------------
// Predicates

function recordSources(clause: PredicateClause, sources: LineageSource[], ctx: Ctx): void {
  if (!ctx.recordsUses || sources.length === 0) return;
  ctx.predicates.push({ clause, sources });
}

function recordPredicate(clause: PredicateClause, node: Node, scope: Scope, ctx: Ctx): void {
  const l = expressionLineage(node, scope, ctx);
  recordSources(clause, unionSources([l.sources, l.kind === "derived" ? (l.exempted ?? []) : []]), ctx);
}

/**
 * ORDER BY an output name: that output column; anything else: the expression. ORDER BY 2 names an
 * output column by a literal, which a statement's shape (the gateway's cache key) does not keep:
 * every output column counts, so the shape's lineage holds for every position.
 */
function recordOutputAware(clause: PredicateClause, node: Node, columns: Col[], scope: Scope, ctx: Ctx): void {
  if (node?.A_Const?.ival !== undefined) {
    recordSources(clause, unionSources(columns.map((c) => c.lineage.sources)), ctx);
    return;
  }
  const fields = node?.ColumnRef?.fields;
  if (fields?.length === 1 && fields[0].String) {
    const byName = columns.find((c) => c.name === fields[0].String.sval && !c.isRest);
    if (byName && clause === "order by") return recordSources(clause, byName.lineage.sources, ctx);
  }
  recordPredicate(clause, node, scope, ctx);
}

function recordGroupBy(node: Node, columns: Col[], scope: Scope, ctx: Ctx): void {
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

function recordWindow(w: Node, scope: Scope, ctx: Ctx): void {
  for (const p of w.partitionClause ?? []) recordPredicate("window", p, scope, ctx);
  for (const s of w.orderClause ?? []) recordPredicate("window", s.SortBy?.node ?? s, scope, ctx);
}

// ---------------------------------------------------------------------------------------------
// Writes: copies

function recordCopy(target: CopyTarget, lineage: ColumnLineage, targetColumnName: string | undefined, ctx: Ctx): void {
  if (!ctx.recordsUses) return;
  if (lineage.kind !== "undetermined" && lineage.sources.length === 0) return;
  ctx.copies.push(targetColumnName === undefined ? { target, lineage } : { target, lineage, targetColumnName });
}

type WriteTarget = { item: RangeItem; schema: string | null; table: string; isTemporary: boolean; columnNames: string[] };

function writeTarget(rv: Node, scope: Scope, ctx: Ctx): WriteTarget {
  const item = relationItem({ ...rv, alias: rv.alias ? { aliasname: rv.alias.aliasname } : undefined }, childScope(null), ctx);
  const candidates = ctx.catalog.relations(rv.schemaname ?? null, rv.relname) ?? [];
  const schema = rv.schemaname ?? (candidates.length === 1 ? candidates[0]!.schema : null);
  const isTemporary = rv.relpersistence === "t" || (schema ?? "").startsWith("pg_temp") || candidates.some((c) => c.schema.startsWith("pg_temp"));
  void scope;
  return { item, schema, table: rv.relname, isTemporary, columnNames: candidates[0]?.columns.map((c) => c.name) ?? [] };
}

function columnTarget(t: WriteTarget, column: string | null): CopyTarget {
  return { kind: "column", schema: t.schema, table: t.table, column, isTemporary: t.isTemporary };
}

/** RETURNING (PostgreSQL 18: `returningClause`, with OLD and NEW naming the row before and after). */
function returning(body: Node, target: WriteTarget, scope: Scope, ctx: Ctx): Col[] | null {
  const list: Node[] | undefined = body.returningClause?.exprs ?? body.returningList;
  if (!list || list.length === 0) return null;
  const retScope: Scope = { ...scope, items: [...scope.items], star: scope.star.length > 0 ? scope.star : [starOf(target.item)] };
  if (!retScope.items.includes(target.item)) retScope.items.push(target.item);
  let oldName = "old";
  let newName = "new";
  for (const o of body.returningClause?.options ?? []) {
    const opt = o.ReturningOption;
    if (opt?.option === "RETURNING_OPTION_OLD") oldName = opt.value;
    if (opt?.option === "RETURNING_OPTION_NEW") newName = opt.value;
  }
  for (const refname of [oldName, newName]) retScope.items.push({ ...target.item, refname, columnsVisible: false });
  return targetColumns(list, retScope, ctx);
}

function analyzeInsert(body: Node, ctx: Ctx, parent: Scope | null): Col[] | null {
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  const target = writeTarget(body.relation, scope, ctx);
  const names: string[] = (body.cols ?? []).map((c: Node) => c.ResTarget?.name);
  const targetNames = names.length > 0 ? names : target.columnNames;
  let values: Col[] = [];
  if (body.selectStmt) values = analyzeSelect(body.selectStmt, ctx, scope);
  values.forEach((v, i) => {
    const column = v.isRest ? null : (targetNames[i] ?? null);
    recordCopy(columnTarget(target, column), v.lineage, column ?? undefined, ctx);
  });
  const conflict = body.onConflictClause;
  if (conflict) {
    const excluded = plainItem("excluded", null, targetNames.map((n, i) => ({ name: n, lineage: values[i]?.lineage ?? CONSTANT })), values.some((v) => v.isRest) ? chooseFrom(values.map((v) => v.lineage)) : null);
    const conflictScope = childScope(scope);
    conflictScope.items.push(target.item, excluded);
    for (const t of conflict.targetList ?? []) assignColumn(t.ResTarget, conflictScope, target, ctx);
    if (conflict.whereClause) recordPredicate("where", conflict.whereClause, conflictScope, ctx);
  }
  return returning(body, target, childScope(scope), ctx);
}

function assignColumn(rt: Node, scope: Scope, target: WriteTarget, ctx: Ctx): void {
  const val = rt.val;
  if (val?.MultiAssignRef) {
    const source = val.MultiAssignRef.source;
    const colno = val.MultiAssignRef.colno - 1;
    let lineage: ColumnLineage;
    if (source?.SubLink) {
      const cols = analyzeSelect(source.SubLink.subselect, ctx, scope);
      lineage = cols[colno]?.lineage ?? chooseFrom(cols.map((c) => c.lineage));
    } else if (source?.RowExpr) lineage = expressionLineage(source.RowExpr.args?.[colno], scope, ctx);
    else lineage = expressionLineage(source, scope, ctx);
    recordCopy(columnTarget(target, rt.name), lineage, rt.name, ctx);
    return;
  }
  const lineage = expressionLineage(val, scope, ctx);
  recordCopy(columnTarget(target, rt.name), rt.indirection?.length ? deriveFrom([lineage]) : lineage, rt.name, ctx);
}

function analyzeUpdate(body: Node, ctx: Ctx, parent: Scope | null): Col[] | null {
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  const target = writeTarget(body.relation, scope, ctx);
  scope.items.push(target.item);
  scope.star.push(starOf(target.item));
  for (const item of body.fromClause ?? []) addFromItem(item, scope, ctx);
  // Every row's SET values are read from the same MULTIEXPR subquery once per assignment: fine.
  for (const t of body.targetList ?? []) assignColumn(t.ResTarget, scope, target, ctx);
  if (body.whereClause) recordPredicate("where", body.whereClause, scope, ctx);
  return returning(body, target, scope, ctx);
}

function analyzeDelete(body: Node, ctx: Ctx, parent: Scope | null): Col[] | null {
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  const target = writeTarget(body.relation, scope, ctx);
  scope.items.push(target.item);
  scope.star.push(starOf(target.item));
  for (const item of body.usingClause ?? []) addFromItem(item, scope, ctx);
  if (body.whereClause) recordPredicate("where", body.whereClause, scope, ctx);
  return returning(body, target, scope, ctx);
}

function analyzeMerge(body: Node, ctx: Ctx, parent: Scope | null): Col[] | null {
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  const target = writeTarget(body.relation, scope, ctx);
  scope.items.push(target.item);
  scope.star.push(starOf(target.item));
  addFromItem(body.sourceRelation, scope, ctx);
  if (body.joinCondition) recordPredicate("join", body.joinCondition, scope, ctx);
  for (const w of body.mergeWhenClauses ?? []) {
    const when = w.MergeWhenClause;
    if (when.condition) recordPredicate("where", when.condition, scope, ctx);
    if (when.commandType === "CMD_UPDATE") for (const t of when.targetList ?? []) assignColumn(t.ResTarget, scope, target, ctx);
    if (when.commandType === "CMD_INSERT") {
      const names: string[] = (when.targetList ?? []).map((t: Node) => t.ResTarget?.name);
      const targetNames = names.length > 0 ? names : target.columnNames;
      (when.values ?? []).forEach((v: Node, i: number) => {
        const column = targetNames[i] ?? null;
        recordCopy(columnTarget(target, column), expressionLineage(v, scope, ctx), column ?? undefined, ctx);
      });
    }
  }
  return returning(body, target, scope, ctx);
}

function createRelationFrom(into: Node, relationKind: "table" | "view" | "materialized_view", columns: Col[], ctx: Ctx): Analysed {
  const rel = into.rel ?? into;
  const names: string[] = (into.colNames ?? into.aliases ?? []).map((n: Node) => n.String?.sval);
  const named = renamed(columns, names);
  const isTemporary = rel.relpersistence === "t" || (rel.schemaname ?? "").startsWith("pg_temp");
  const target: CopyTarget = { kind: "new_relation", schema: rel.schemaname ?? null, name: rel.relname, relationKind, isTemporary };
  for (const c of named) recordCopy(target, c.lineage, c.isRest ? undefined : c.name, ctx);
  const out: Analysed = { columns: null, undetermined: null };
  if (isTemporary && relationKind === "table") out.createsTemporary = { schema: rel.schemaname ?? null, name: rel.relname, columns: named };
  return out;
}

function analyzeCreateTableAs(body: Node, ctx: Ctx, scope: Scope | null): Analysed {
  const analysed = body.query?.SelectStmt ? { columns: analyzeSelect(body.query, ctx, scope), undetermined: null } : analyzeStatement(body.query, ctx, scope);
  // CREATE TABLE … AS EXECUTE p: what it copies is the prepared statement's, which this text does not show.
  if (analysed.undetermined) return { columns: null, undetermined: analysed.undetermined };
  if (body.into?.skipData) return { columns: null, undetermined: null };
  return createRelationFrom(body.into, body.objtype === "OBJECT_MATVIEW" ? "materialized_view" : "table", analysed.columns ?? [], ctx);
}

function analyzeCreateView(body: Node, ctx: Ctx, scope: Scope | null): Analysed {
  const columns = analyzeSelect(body.query, ctx, scope);
  return createRelationFrom({ rel: body.view, aliases: body.aliases }, "view", columns, ctx);
}

function analyzeCopy(body: Node, ctx: Ctx, parent: Scope | null): Analysed {
  if (body.is_from) return { columns: null, undetermined: null };
  let columns: Col[];
  if (body.query) columns = analyzeStatement(body.query, ctx, parent).columns ?? [];
  else {
    const scope = childScope(parent);
    const item = relationItem(body.relation, scope, ctx);
    const attlist: string[] = (body.attlist ?? []).map((n: Node) => n.String?.sval);
    columns = attlist.length > 0 ? attlist.map((name) => ({ name, lineage: columnOf(item, name) ?? undetermined(`unknown column ${name}`) })) : starOf(item);
  }
  const toServer = !!(body.filename || body.is_program);
  const target: CopyTarget = toServer ? { kind: "server_file", isProgram: !!body.is_program } : { kind: "client" };
  for (const c of columns) recordCopy(target, c.lineage, c.isRest ? undefined : c.name, ctx);
  // COPY TO a server file sends the client no rows.
  return { columns: toServer ? null : columns, undetermined: null };
}

/** ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (expr), ALTER COLUMN … SET EXPRESSION: a copy into the column. */
function analyzeAlterTable(body: Node, ctx: Ctx, parent: Scope | null): void {
  const generated: { column: string; expr: Node }[] = [];
  for (const c of body.cmds ?? []) {
    const cmd = c.AlterTableCmd;
    if (cmd?.subtype === "AT_AddColumn") {
      for (const con of cmd.def?.ColumnDef?.constraints ?? []) if (con.Constraint?.contype === "CONSTR_GENERATED") generated.push({ column: cmd.def.ColumnDef.colname, expr: con.Constraint.raw_expr });
    }
    if (cmd?.subtype === "AT_SetExpression" && cmd.def) generated.push({ column: cmd.name, expr: cmd.def });
  }
  if (generated.length === 0 || !body.relation) return;
  const scope = childScope(parent);
  const target = writeTarget(body.relation, scope, ctx);
  scope.items.push(target.item);
  for (const g of generated) recordCopy(columnTarget(target, g.column), expressionLineage(g.expr, scope, ctx), g.column, ctx);
}
