/**
 * Whether a statement is a read that nothing in it can turn into a write, as far as its parse tree
 * tells. Strict recording lets such a read start while its record commits (its results wait until
 * the record is durable); everything else waits for its record, as a write does.
 *
 * The parse tree cannot tell everything: `select f()` writes when f is a volatile function that
 * inserts, `select * from v` runs whatever functions the view v calls. So this is in two parts.
 * Here, the pure part: a statement is a candidate only when it is a plain SELECT (VALUES, TABLE,
 * set operations) or SHOW with no data-modifying CTE, no FOR UPDATE/SHARE/NO KEY UPDATE/KEY SHARE,
 * no SELECT INTO and no sequence function, and it lists every name the target's catalog must vouch
 * for: the functions it calls, the operators and types it names, the relations it reads.
 * proxy/policy/read-safety-snapshot.ts judges those against the target's catalog.
 *
 * Nothing here reads a literal's value: the result belongs to the statement's shape.
 */

type Node = Record<string, unknown>;

/** A name as the parser has it: unquoted identifiers lowercased, quoted ones as written. */
export type QualifiedName = { schema: string | null; name: string };

export type ReadSafety = {
  /** False when the statement may write (or lock rows) whatever the catalog says. */
  isCandidate: boolean;
  /** Why it is not a candidate; null when it is. */
  reason: string | null;
  /** Every function called: FuncCall nodes anywhere (subqueries, CTEs, LATERAL, windows, FILTER), and TABLESAMPLE methods. */
  functions: QualifiedName[];
  /**
   * Names after a dot in a column reference or field selection (`t.f`, `(t).f`): PostgreSQL reads
   * `t.f` as the call `f(t)` when t has no column f, so each must not be a volatile function.
   */
  attributeNames: string[];
  /** Operators named explicitly (`a ### b`, `OPERATOR(s.+)`, `ORDER BY a USING <`, `= ANY (...)`). */
  operators: QualifiedName[];
  /** Types named in casts, typed literals and column definition lists: a domain's CHECK or a type's input function runs. */
  types: QualifiedName[];
  /** Every relation named, CTE references included (a CTE and a view may share a name). */
  relations: QualifiedName[];
  /** Names of the statement's CTEs: an unqualified relation of that name may be one of them. */
  cteNames: string[];
};

/** Top-level statements that can be a read without side effects. */
const READ_COMMANDS = new Set(["SelectStmt", "VariableShowStmt"]);
const WRITING_NODES = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);
/** They write a sequence (nextval, setval) or are only meaningful after one (currval, lastval). */
const SEQUENCE_FUNCTIONS = new Set(["nextval", "setval", "currval", "lastval"]);
/** A_Expr kinds whose `name` is the operator it runs (BETWEEN's names are keywords: it runs <= and >=). */
const BETWEEN_KINDS = new Set(["AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN", "AEXPR_BETWEEN_SYM", "AEXPR_NOT_BETWEEN_SYM"]);

type Found = {
  reason: string | null;
  functions: Map<string, QualifiedName>;
  attributeNames: Set<string>;
  operators: Map<string, QualifiedName>;
  types: Map<string, QualifiedName>;
  relations: Map<string, QualifiedName>;
  cteNames: Set<string>;
};

/** `stmt` is a top-level node as libpg-query returns it: `{ SelectStmt: {...} }`. */
export function analyzeReadSafety(stmt: Node): ReadSafety {
  const command = Object.keys(stmt)[0] ?? "";
  const found: Found = {
    reason: READ_COMMANDS.has(command) ? null : `${command || "an empty statement"} is not a plain read`,
    functions: new Map(),
    attributeNames: new Set(),
    operators: new Map(),
    types: new Map(),
    relations: new Map(),
    cteNames: new Set(),
  };
  walk(stmt, found);
  return {
    isCandidate: found.reason === null,
    reason: found.reason,
    functions: [...found.functions.values()],
    attributeNames: [...found.attributeNames],
    operators: [...found.operators.values()],
    types: [...found.types.values()],
    relations: [...found.relations.values()],
    cteNames: [...found.cteNames],
  };
}

function refuse(found: Found, reason: string) {
  found.reason ??= reason;
}

function walk(value: unknown, found: Found): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, found);
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as Node)) {
    if (!child || typeof child !== "object") continue;
    const body = child as Node;
    switch (key) {
      case "FuncCall": {
        const name = qualifiedName(body.funcname);
        if (name) {
          add(found.functions, name);
          if (SEQUENCE_FUNCTIONS.has(name.name)) refuse(found, `${name.name}() uses a sequence`);
        } else refuse(found, "a function call without a name");
        break;
      }
      case "RangeTableSample": {
        // TABLESAMPLE method(...) runs the method's handler function.
        const name = qualifiedName(body.method);
        if (name) add(found.functions, name);
        else refuse(found, "a TABLESAMPLE method without a name");
        break;
      }
      case "A_Expr":
        addExprOperators(body, found);
        break;
      case "SubLink":
        if (body.operName) addOperator(body.operName, found);
        break;
      case "SortBy":
        if (body.useOp) addOperator(body.useOp, found);
        break;
      case "ColumnRef": {
        const fields = (body.fields as Node[] | undefined) ?? [];
        const last = (fields.at(-1)?.String as { sval?: string } | undefined)?.sval;
        if (fields.length >= 2 && last !== undefined) found.attributeNames.add(last);
        break;
      }
      case "A_Indirection":
        for (const item of (body.indirection as Node[] | undefined) ?? []) {
          const field = (item.String as { sval?: string } | undefined)?.sval;
          if (field !== undefined) found.attributeNames.add(field);
        }
        break;
      case "RangeVar":
        addRelation(body, found);
        continue;
      case "typeName":
      case "TypeName": {
        const name = qualifiedName(body.names);
        if (name) add(found.types, name);
        else refuse(found, "a type without a name");
        break;
      }
      case "CommonTableExpr":
        if (typeof body.ctename === "string") found.cteNames.add(body.ctename);
        break;
      case "LockingClause":
        refuse(found, "a locking clause (FOR UPDATE/SHARE) locks rows");
        break;
      case "intoClause":
        refuse(found, "SELECT INTO creates a table");
        break;
      default:
        if (WRITING_NODES.has(key)) refuse(found, `a data-modifying ${key.replace(/Stmt$/, "").toUpperCase()} inside the statement`);
    }
    walk(child, found);
  }
}

function addExprOperators(expr: Node, found: Found) {
  if (BETWEEN_KINDS.has(expr.kind as string)) {
    add(found.operators, { schema: null, name: "<=" });
    add(found.operators, { schema: null, name: ">=" });
    return;
  }
  addOperator(expr.name, found);
}

function addOperator(names: unknown, found: Found) {
  const name = qualifiedName(names);
  if (name) add(found.operators, name);
  else refuse(found, "an operator without a name");
}

function addRelation(rv: Node, found: Found) {
  if (typeof rv.relname !== "string") return refuse(found, "a relation without a name");
  add(found.relations, { schema: typeof rv.schemaname === "string" ? rv.schemaname : null, name: rv.relname });
}

/** [name], [schema, name] or [catalog, schema, name] as a list of String nodes. */
function qualifiedName(list: unknown): QualifiedName | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  const parts = list.map((p) => ((p as Node)?.String as { sval?: string } | undefined)?.sval);
  if (parts.some((p) => p === undefined)) return null;
  const name = parts.at(-1)!;
  return { schema: parts.length >= 2 ? parts.at(-2)! : null, name };
}

function add(into: Map<string, QualifiedName>, name: QualifiedName) {
  into.set(`${name.schema ?? ""}\0${name.name}`, name);
}

/**
 * SQL `EXECUTE p(args)` runs what was prepared, with its arguments evaluated first: it is a
 * candidate when the prepared statement is one, and everything both use must be vouched for. (The
 * EXECUTE's own analysis says "not a plain read" for the statement type; its arguments cannot hold
 * a CTE, a lock clause or SELECT INTO, and a sequence function among them is a volatile built-in
 * the catalog check refuses.)
 */
export function mergeExecuteReadSafety(prepared: ReadSafety, execute: ReadSafety): ReadSafety {
  const union = (a: QualifiedName[], b: QualifiedName[]) => {
    const m = new Map<string, QualifiedName>();
    for (const n of [...a, ...b]) add(m, n);
    return [...m.values()];
  };
  return {
    isCandidate: prepared.isCandidate,
    reason: prepared.reason,
    functions: union(prepared.functions, execute.functions),
    attributeNames: [...new Set([...prepared.attributeNames, ...execute.attributeNames])],
    operators: union(prepared.operators, execute.operators),
    types: union(prepared.types, execute.types),
    relations: union(prepared.relations, execute.relations),
    cteNames: prepared.cteNames,
  };
}
