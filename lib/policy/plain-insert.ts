import type { QualifiedName } from "./read-safety";

/**
 * An INSERT that can only add rows to the one table it names, as far as its parse tree tells: a
 * VALUES list (or DEFAULT VALUES) of constants, parameters, DEFAULT and arrays of those; no CTE, no
 * ON CONFLICT DO UPDATE, no subquery, cast or function call, and a RETURNING of plain columns only.
 * The blast-radius guard counts no inserts, so such a statement cannot pass a limit and is not
 * measured (a pipeline of them would pay three round trips each), provided the target's catalog
 * says the table itself runs no code on insert: no trigger, rule, row-level security or column
 * default or CHECK that calls a volatile function outside pg_catalog (read-safety-snapshot.ts).
 * Casts are refused here because a cast to a domain runs the domain's CHECK.
 */
type Node = Record<string, unknown>;

const ALLOWED_SELECT_KEYS = new Set(["valuesLists", "limitOption", "op"]);

export function plainInsertTarget(node: Node): QualifiedName | null {
  const insert = node.InsertStmt as Node | undefined;
  if (!insert || insert.withClause) return null;
  const conflict = insert.onConflictClause as Node | undefined;
  if (conflict && conflict.action !== "ONCONFLICT_NOTHING") return null;
  const relation = insert.relation as { schemaname?: string; relname?: string } | undefined;
  if (!relation?.relname) return null;
  if (insert.selectStmt !== undefined) {
    const select = (insert.selectStmt as Node).SelectStmt as Node | undefined;
    if (!select || Object.keys(select).some((k) => !ALLOWED_SELECT_KEYS.has(k)) || select.op !== "SETOP_NONE") return null;
    const rows = select.valuesLists as { List?: { items?: unknown[] } }[] | undefined;
    if (!Array.isArray(rows) || rows.length === 0) return null;
    if (!rows.every((row) => Array.isArray(row.List?.items) && row.List.items.every(isPlainValue))) return null;
  }
  const returning = ((insert.returningClause as Node | undefined)?.exprs ?? insert.returningList) as unknown[] | undefined;
  if (returning !== undefined && !(Array.isArray(returning) && returning.every(isPlainColumn))) return null;
  return { schema: relation.schemaname ?? null, name: relation.relname };
}

function isPlainValue(item: unknown): boolean {
  const n = item as Node;
  if ("A_Const" in n || "ParamRef" in n || "SetToDefault" in n) return true;
  const array = n.A_ArrayExpr as { elements?: unknown[] } | undefined;
  return array !== undefined && (array.elements ?? []).every(isPlainValue);
}

function isPlainColumn(target: unknown): boolean {
  const val = ((target as Node).ResTarget as Node | undefined)?.val as Node | undefined;
  const fields = (val?.ColumnRef as { fields?: Node[] } | undefined)?.fields;
  return Array.isArray(fields) && fields.every((f) => "String" in f || "A_Star" in f);
}
