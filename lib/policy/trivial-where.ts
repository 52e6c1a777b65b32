type Node = Record<string, unknown>;

/**
 * Whether a WHERE (or MERGE ... ON) condition fails to narrow the rows: `WHERE true`, `WHERE 1 = 1`,
 * `WHERE id = id`, `WHERE 1 = 1 OR id = 5`, `WHERE EXISTS (SELECT 1)`. Such a statement touches every
 * row, like one without WHERE, and is the usual way to slip a bulk change past a "needs a WHERE" rule.
 *
 * The test is syntactic and errs towards "trivial": a condition that references no column of the
 * rows is trivial (it is the same for every row), an OR is trivial when any arm is, an AND when all
 * arms are, and a comparison of a column with itself is trivial. `WHERE CURRENT OF cursor` is not.
 */
export function isTrivialCondition(expr: unknown): boolean {
  if (!expr || typeof expr !== "object") return true;
  const node = expr as Node;
  if ("CurrentOfExpr" in node) return false;
  const bool = node.BoolExpr as { boolop?: string; args?: unknown[] } | undefined;
  if (bool) {
    const args = bool.args ?? [];
    if (bool.boolop === "OR_EXPR") return args.some(isTrivialCondition);
    if (bool.boolop === "AND_EXPR") return args.every(isTrivialCondition);
  }
  const op = node.A_Expr as { kind?: string; lexpr?: unknown; rexpr?: unknown } | undefined;
  if (op && op.kind === "AEXPR_OP" && op.lexpr && sameColumn(op.lexpr, op.rexpr)) return true;
  return !referencesColumn(expr);
}

function referencesColumn(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(referencesColumn);
  if (!value || typeof value !== "object") return false;
  for (const [key, child] of Object.entries(value as Node)) {
    if (key === "ColumnRef" || key === "CurrentOfExpr") return true;
    if (referencesColumn(child)) return true;
  }
  return false;
}

function sameColumn(a: unknown, b: unknown): boolean {
  const ca = (a as Node)?.ColumnRef as { fields?: unknown[] } | undefined;
  const cb = (b as Node)?.ColumnRef as { fields?: unknown[] } | undefined;
  if (!ca?.fields || !cb?.fields) return false;
  return JSON.stringify(ca.fields) === JSON.stringify(cb.fields);
}
