import type { ColumnLineage } from "./lineage-types";
import { BUILTIN_OPERATORS, CONSTANT, DYNAMIC_SQL_FUNCTIONS, EXEMPT_AGGREGATES, STORED_DATA_FUNCTIONS, STORING_FUNCTIONS, TEXT_TYPES, VALUE_PRESERVING_FUNCTIONS, chooseFrom, deriveFrom, undetermined, unionSources } from "./lineage-values";
import { columnOf, columnRefLineage, findItem } from "./lineage-columns";
import { recordPredicate, recordWindow } from "./lineage-predicates";
import { type Ctx, type Node, type Scope, nodeEntry } from "./lineage-scope";
import { analyzeSelect, selectBody } from "./lineage-select";
import { recordCopy } from "./lineage-writes";

/**
 * Lineage of an expression: direct (the value itself), derived (computed from its sources) or
 * undetermined, through functions, operators, casts, CASE/COALESCE, subqueries and constructors.
 */

export function funcName(call: Node): { schema: string | null; name: string } {
  const parts: string[] = (call.funcname ?? []).map((n: Node) => n.String?.sval);
  return { schema: parts.length > 1 ? parts[parts.length - 2]! : null, name: parts[parts.length - 1] ?? "" };
}

export function functionKind(schema: string | null, name: string, ctx: Ctx): "builtin" | "user" | undefined {
  if (schema === "pg_catalog") return "builtin";
  const kind = ctx.catalog.functionKind(schema, name);
  if (kind === undefined) ctx.missingFunctions.set(`${schema ?? ""}.${name}`, { schema, name });
  return kind;
}

/**
 * An operator is PostgreSQL's own only when its name is one of pg_catalog's and (when the catalog
 * can tell) no other schema defines an operator of that name, which could be the one picked.
 */
export function operatorKind(opName: string[], ctx: Ctx): "builtin" | "user" | undefined {
  const name = opName[opName.length - 1] ?? "";
  if (opName.length > 1) return opName[0] === "pg_catalog" && BUILTIN_OPERATORS.includes(name) ? "builtin" : "user";
  if (!BUILTIN_OPERATORS.includes(name)) return "user";
  if (!ctx.catalog.operatorKind) return "builtin";
  const kind = ctx.catalog.operatorKind(name);
  if (kind === undefined) ctx.missingOperators.add(name);
  return kind;
}

/** A cast to a text type that keeps the whole value (TEXT_TYPES, no length: `char` alone is char(1)). */
export function isTextType(typeName: Node): boolean {
  if (typeName?.arrayBounds?.length || typeName?.typmods?.length) return false;
  const names: string[] = (typeName?.names ?? []).map((n: Node) => n.String?.sval);
  return (TEXT_TYPES as readonly string[]).includes(names[names.length - 1] ?? "");
}

export function many(nodes: Node[] | undefined, scope: Scope, ctx: Ctx): ColumnLineage[] {
  return (nodes ?? []).map((n) => expressionLineage(n, scope, ctx));
}

export function expressionLineage(node: Node, scope: Scope, ctx: Ctx): ColumnLineage {
  if (node === undefined || node === null) return CONSTANT;
  if (Array.isArray(node)) return deriveFrom(many(node, scope, ctx));
  const [type, body] = nodeEntry(node);
  if (!type) return CONSTANT;
  switch (type) {
    case "ColumnRef": {
      const column = columnRefLineage(body.fields ?? [], scope, ctx);
      // Evaluated here, whether or not its value reaches a result: a cast of it can fail with the value in the message.
      for (const source of column.sources) ctx.touched.push(source);
      return column;
    }
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
      const operands = deriveFrom([expressionLineage(body.lexpr, scope, ctx), expressionLineage(body.rexpr, scope, ctx)]);
      const opName: string[] = (body.name ?? []).map((n: Node) => n.String?.sval);
      if (!["AEXPR_OP", "AEXPR_OP_ANY", "AEXPR_OP_ALL"].includes(body.kind) || operands.kind === "undetermined") return operands;
      const kind = operatorKind(opName, ctx);
      if (kind === undefined) return undetermined(`operator ${opName.join(".")} is not loaded`, operands.sources);
      if (kind === "user") return undetermined(`operator ${opName.join(".")} may be a user's, opaque to lineage`, operands.sources);
      return operands;
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
export function childExpressions(body: Node): Node[] {
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

export function functionLineage(call: Node, scope: Scope, ctx: Ctx): ColumnLineage {
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
  if (kind === "user") {
    const qualified = `${schema ? `${schema}.` : ""}${name}`;
    // Its body may write what it reads (a copy no CopyFlow shows): unless the catalog says it cannot.
    if (ctx.catalog.functionMayWrite?.(schema, name) !== false) ctx.untracedCode.push(`calls ${qualified}, a user function that may write`);
    return undetermined(`${qualified} is a user function, opaque to lineage`, sources);
  }
  if ((DYNAMIC_SQL_FUNCTIONS as readonly string[]).includes(name)) return undetermined(`${name} runs SQL or reads data that cannot be traced`, sources);
  if ((STORED_DATA_FUNCTIONS as readonly string[]).includes(name)) {
    const inner = deriveFrom(args);
    return inner.kind === "undetermined" ? inner : { kind: "derived", sources: inner.sources, untraced: true };
  }
  const stores = Object.hasOwn(STORING_FUNCTIONS, name) ? STORING_FUNCTIONS[name] : undefined;
  if (stores && args[stores.arg]) recordCopy(stores.target, args[stores.arg]!, undefined, ctx);
  if ((EXEMPT_AGGREGATES as readonly string[]).includes(name)) {
    const inner = deriveFrom(args);
    if (inner.kind === "undetermined") return inner;
    return { kind: "derived", sources: [], exemptBy: name, exempted: sources };
  }
  // text(email), varchar(email): a cast written as a call.
  if ((TEXT_TYPES as readonly string[]).includes(name) && args.length === 1 && !call.agg_star && !call.over && args[0]!.kind === "direct") return args[0]!;
  if ((VALUE_PRESERVING_FUNCTIONS as readonly string[]).includes(name) && args.length > 0) {
    const valueArgs = name === "lag" || name === "lead" ? [args[0]!, ...(args[2] ? [args[2]] : [])] : [args[0]!];
    const controls = name === "lag" || name === "lead" ? args.slice(1, 2) : args.slice(1);
    const value = chooseFrom(valueArgs);
    if (value.kind === "direct" && controls.every((c) => c.kind !== "undetermined" && c.sources.length === 0)) return value;
  }
  return deriveFrom(args);
}

export function subLinkLineage(link: Node, scope: Scope, ctx: Ctx): ColumnLineage {
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
export function columnName(node: Node, scope: Scope, ctx: Ctx): string {
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
