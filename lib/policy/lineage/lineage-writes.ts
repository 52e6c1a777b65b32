import type { ColumnLineage, CopyTarget } from "./lineage-types";
import { CONSTANT, chooseFrom, deriveFrom, undetermined, unionSources } from "./lineage-values";
import { type Analysed, analyzeStatement } from "./analyze-lineage";
import { columnOf, targetColumns } from "./lineage-columns";
import { expressionLineage } from "./lineage-expressions";
import { addFromItem, relationItem } from "./lineage-from";
import { recordPredicate, recordSources } from "./lineage-predicates";
import { type Col, type Ctx, type Node, type RangeItem, type Scope, childScope, plainItem, renamed, starOf } from "./lineage-scope";
import { addCtes, analyzeSelect } from "./lineage-select";

/** Writes that move values (copies): INSERT, UPDATE, MERGE, CREATE TABLE AS / VIEW, COPY TO, generated columns; and RETURNING. */

export function recordCopy(target: CopyTarget, lineage: ColumnLineage, targetColumnName: string | undefined, ctx: Ctx): void {
  if (!ctx.recordsUses) return;
  if (lineage.kind !== "undetermined" && lineage.sources.length === 0) return;
  ctx.copies.push(targetColumnName === undefined ? { target, lineage } : { target, lineage, targetColumnName });
}

/** A write's target table; `assigned`: what the statement writes into each column (RETURNING's new values). */
export type WriteTarget = { star: Col[]; item: RangeItem; schema: string | null; table: string; isTemporary: boolean; columnNames: string[]; assigned: Map<string, ColumnLineage[]>; assignedAll: ColumnLineage[] };

export function writeTarget(rv: Node, scope: Scope, ctx: Ctx): WriteTarget {
  const item = relationItem({ ...rv, alias: rv.alias ? { aliasname: rv.alias.aliasname } : undefined }, childScope(null), ctx);
  const candidates = ctx.catalog.relations(rv.schemaname ?? null, rv.relname) ?? [];
  const schema = rv.schemaname ?? (candidates.length === 1 ? candidates[0]!.schema : null);
  const isTemporary = rv.relpersistence === "t" || (schema ?? "").startsWith("pg_temp") || candidates.some((c) => c.schema.startsWith("pg_temp"));
  void scope;
  return { star: starOf(item), item, schema, table: rv.relname, isTemporary, columnNames: candidates[0]?.columns.map((c) => c.name) ?? [], assigned: new Map(), assignedAll: [] };
}

/** A value written into a column of the target (`column` null: which one is not known): a copy, and what RETURNING then reads. */
export function assign(target: WriteTarget, column: string | null, lineage: ColumnLineage, ctx: Ctx): void {
  recordCopy(columnTarget(target, column), lineage, column ?? undefined, ctx);
  if (column === null) target.assignedAll.push(lineage);
  else target.assigned.set(column, [...(target.assigned.get(column) ?? []), lineage]);
}

/** The target's row after the write: each column is its own value or one of those written into it. */
function rowAfterWrite(target: WriteTarget): RangeItem {
  const columns = target.item.columns.map((c) => {
    const written = [...(target.assigned.get(c.name) ?? []), ...target.assignedAll];
    return written.length === 0 ? c : { ...c, lineage: chooseFrom([c.lineage, ...written]) };
  });
  const rest = target.item.rest && target.assignedAll.length > 0 ? chooseFrom([target.item.rest, ...target.assignedAll]) : target.item.rest;
  return { ...target.item, columns, rest };
}

export function columnTarget(t: WriteTarget, column: string | null): CopyTarget {
  return { kind: "column", schema: t.schema, table: t.table, column, isTemporary: t.isTemporary };
}

/**
 * RETURNING (PostgreSQL 18: `returningClause`, with OLD and NEW naming the row before and after):
 * the target's columns are the values just written into them (an INSERT … SELECT returns what it
 * copied), or their own.
 */
export function returning(body: Node, target: WriteTarget, scope: Scope, ctx: Ctx): Col[] | null {
  const list: Node[] | undefined = body.returningClause?.exprs ?? body.returningList;
  if (!list || list.length === 0) return null;
  const after = rowAfterWrite(target);
  const items = scope.items.filter((i) => i !== target.item);
  const star = scope.star.length > 0 ? scope.star.map((cols) => (cols === target.star ? starOf(after) : cols)) : [starOf(after)];
  const retScope: Scope = { ...scope, items: [after, ...items], star };
  let oldName = "old";
  let newName = "new";
  for (const o of body.returningClause?.options ?? []) {
    const opt = o.ReturningOption;
    if (opt?.option === "RETURNING_OPTION_OLD") oldName = opt.value;
    if (opt?.option === "RETURNING_OPTION_NEW") newName = opt.value;
  }
  retScope.items.push({ ...target.item, refname: oldName, columnsVisible: false }, { ...after, refname: newName, columnsVisible: false });
  return targetColumns(list, retScope, ctx);
}

export function analyzeInsert(body: Node, ctx: Ctx, parent: Scope | null): Col[] | null {
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  const target = writeTarget(body.relation, scope, ctx);
  const names: string[] = (body.cols ?? []).map((c: Node) => c.ResTarget?.name);
  const targetNames = names.length > 0 ? names : target.columnNames;
  let values: Col[] = [];
  if (body.selectStmt) values = analyzeSelect(body.selectStmt, ctx, scope);
  values.forEach((v, i) => assign(target, v.isRest ? null : (targetNames[i] ?? null), v.lineage, ctx));
  const conflict = body.onConflictClause;
  if (conflict) {
    const excluded = plainItem("excluded", null, targetNames.map((n, i) => ({ name: n, lineage: values[i]?.lineage ?? CONSTANT })), values.some((v) => v.isRest) ? chooseFrom(values.map((v) => v.lineage)) : null);
    const conflictScope = childScope(scope);
    conflictScope.items.push(target.item, excluded);
    // ON CONFLICT (email): whether the row goes in tells whether that value is there already.
    const arbiterScope = childScope(scope);
    arbiterScope.items.push(target.item);
    for (const e of conflict.infer?.indexElems ?? []) {
      const elem = e.IndexElem;
      const l = elem?.name ? (columnOf(target.item, elem.name) ?? CONSTANT) : expressionLineage(elem?.expr, arbiterScope, ctx);
      const i = elem?.name ? targetNames.indexOf(elem.name) : -1;
      recordSources("where", unionSources([l.sources, i >= 0 ? (values[i]?.lineage.sources ?? []) : []]), ctx);
    }
    for (const t of conflict.targetList ?? []) assignColumn(t.ResTarget, conflictScope, target, ctx);
    if (conflict.whereClause) recordPredicate("where", conflict.whereClause, conflictScope, ctx);
  }
  return returning(body, target, childScope(scope), ctx);
}

export function assignColumn(rt: Node, scope: Scope, target: WriteTarget, ctx: Ctx): void {
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
    assign(target, rt.name, lineage, ctx);
    return;
  }
  const lineage = expressionLineage(val, scope, ctx);
  assign(target, rt.name, rt.indirection?.length ? deriveFrom([lineage]) : lineage, ctx);
}

export function analyzeUpdate(body: Node, ctx: Ctx, parent: Scope | null): Col[] | null {
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  const target = writeTarget(body.relation, scope, ctx);
  scope.items.push(target.item);
  scope.star.push(target.star);
  for (const item of body.fromClause ?? []) addFromItem(item, scope, ctx);
  // Every row's SET values are read from the same MULTIEXPR subquery once per assignment: fine.
  for (const t of body.targetList ?? []) assignColumn(t.ResTarget, scope, target, ctx);
  if (body.whereClause) recordPredicate("where", body.whereClause, scope, ctx);
  return returning(body, target, scope, ctx);
}

export function analyzeDelete(body: Node, ctx: Ctx, parent: Scope | null): Col[] | null {
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  const target = writeTarget(body.relation, scope, ctx);
  scope.items.push(target.item);
  scope.star.push(target.star);
  for (const item of body.usingClause ?? []) addFromItem(item, scope, ctx);
  if (body.whereClause) recordPredicate("where", body.whereClause, scope, ctx);
  return returning(body, target, scope, ctx);
}

export function analyzeMerge(body: Node, ctx: Ctx, parent: Scope | null): Col[] | null {
  const scope = childScope(parent);
  if (body.withClause) addCtes(body.withClause, scope, ctx);
  const target = writeTarget(body.relation, scope, ctx);
  scope.items.push(target.item);
  scope.star.push(target.star);
  addFromItem(body.sourceRelation, scope, ctx);
  if (body.joinCondition) recordPredicate("join", body.joinCondition, scope, ctx);
  for (const w of body.mergeWhenClauses ?? []) {
    const when = w.MergeWhenClause;
    if (when.condition) recordPredicate("where", when.condition, scope, ctx);
    if (when.commandType === "CMD_UPDATE") for (const t of when.targetList ?? []) assignColumn(t.ResTarget, scope, target, ctx);
    if (when.commandType === "CMD_INSERT") {
      const names: string[] = (when.targetList ?? []).map((t: Node) => t.ResTarget?.name);
      const targetNames = names.length > 0 ? names : target.columnNames;
      (when.values ?? []).forEach((v: Node, i: number) => assign(target, targetNames[i] ?? null, expressionLineage(v, scope, ctx), ctx));
    }
  }
  return returning(body, target, scope, ctx);
}

export function createRelationFrom(into: Node, relationKind: "table" | "view" | "materialized_view", columns: Col[], ctx: Ctx): Analysed {
  const rel = into.rel ?? into;
  const names: string[] = (into.colNames ?? into.aliases ?? []).map((n: Node) => n.String?.sval);
  const named = renamed(columns, names);
  const isTemporary = rel.relpersistence === "t" || (rel.schemaname ?? "").startsWith("pg_temp");
  const target: CopyTarget = { kind: "new_relation", schema: rel.schemaname ?? null, name: rel.relname, relationKind, isTemporary };
  for (const c of named) recordCopy(target, c.lineage, c.isRest ? undefined : c.name, ctx);
  const out: Analysed = { columns: null, undetermined: null };
  // A temporary view is read like a temporary table: the session remembers its columns' lineage.
  if (isTemporary && relationKind !== "materialized_view") out.createsTemporary = { schema: rel.schemaname ?? null, name: rel.relname, columns: named };
  return out;
}

/**
 * CREATE TEMP TABLE t (…): the gateway's catalog connection cannot see another session's temporary
 * tables, so the session remembers this one (its columns are themselves; what is copied into them
 * later is a copy into a temporary table). Other tables: nothing to trace.
 */
export function analyzeCreateTable(body: Node, ctx: Ctx): Analysed {
  const rel = body.relation;
  const isTemporary = rel?.relpersistence === "t" || (rel?.schemaname ?? "").startsWith("pg_temp");
  if (!isTemporary) return { columns: null, undetermined: null };
  const names: string[] = [];
  for (const e of body.tableElts ?? []) {
    if (e.ColumnDef) names.push(e.ColumnDef.colname);
    else if (e.TableLikeClause) {
      const like = relationItem(e.TableLikeClause.relation, childScope(null), ctx);
      // LIKE a relation Warden cannot count: the table's columns are unknown, so it is not remembered.
      if (like.rest) return { columns: null, undetermined: null };
      names.push(...like.columns.map((c) => c.name));
    }
  }
  return { columns: null, undetermined: null, createsTemporary: { schema: rel.schemaname ?? null, name: rel.relname, columns: names.map((name) => ({ name, lineage: temporaryColumn(rel.relname, name) })) } };
}

/** A column of a temporary table made empty: its values are its own (what is copied in later is a copy). */
function temporaryColumn(table: string, column: string): ColumnLineage {
  return { kind: "direct", sources: [{ schema: "pg_temp", table, column }] };
}

export function analyzeCreateTableAs(body: Node, ctx: Ctx, scope: Scope | null): Analysed {
  const analysed = body.query?.SelectStmt ? { columns: analyzeSelect(body.query, ctx, scope), undetermined: null } : analyzeStatement(body.query, ctx, scope);
  // CREATE TABLE … AS EXECUTE p: what it copies is the prepared statement's, which this text does not show.
  if (analysed.undetermined) return { columns: null, undetermined: analysed.undetermined };
  if (body.into?.skipData) {
    // WITH NO DATA copies nothing; a temporary table is still remembered, its columns being themselves.
    const rel = body.into.rel;
    const isTemporary = rel?.relpersistence === "t" || (rel?.schemaname ?? "").startsWith("pg_temp");
    if (!isTemporary || body.objtype === "OBJECT_MATVIEW") return { columns: null, undetermined: null };
    const names = renamed(analysed.columns ?? [], (body.into.colNames ?? []).map((n: Node) => n.String?.sval)).filter((c) => !c.isRest).map((c) => c.name);
    return { columns: null, undetermined: null, createsTemporary: { schema: rel.schemaname ?? null, name: rel.relname, columns: names.map((name) => ({ name, lineage: temporaryColumn(rel.relname, name) })) } };
  }
  return createRelationFrom(body.into, body.objtype === "OBJECT_MATVIEW" ? "materialized_view" : "table", analysed.columns ?? [], ctx);
}

export function analyzeCreateView(body: Node, ctx: Ctx, scope: Scope | null): Analysed {
  const columns = analyzeSelect(body.query, ctx, scope);
  return createRelationFrom({ rel: body.view, aliases: body.aliases }, "view", columns, ctx);
}

export function analyzeCopy(body: Node, ctx: Ctx, parent: Scope | null): Analysed {
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
export function analyzeAlterTable(body: Node, ctx: Ctx, parent: Scope | null): void {
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
  for (const g of generated) assign(target, g.column, expressionLineage(g.expr, scope, ctx), ctx);
}
