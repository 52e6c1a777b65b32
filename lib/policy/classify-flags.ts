import { parseSync } from "libpg-query";
import { isDangerousFunction, mentionsDangerousFunction, SQL_TEXT_FUNCTIONS } from "./dangerous-functions";
import { isTrueText, unreadableSetting } from "./sql-reading";
import { STATEMENT_FLAGS, type StatementFlag } from "./statement-flags";
import { isExplainAnalyze, kindOfNode } from "./statement-kind";
import { isTrivialCondition } from "./trivial-where";

type Node = Record<string, unknown>;

const DATA_MODIFYING = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);
/** Function-body languages whose body is SQL the parser can read. */
const SQL_BODY_LANGUAGES = new Set(["sql"]);

/**
 * One walk's state. `readsLiteralValues` is set by every rule that looks at the value of a literal
 * (a constant argument, a function or DO body, an EXPLAIN option's value): such a statement's flags
 * can change with a literal, so the classifier caches it by its full text, never by its shape
 * (statement-shape.ts). A new rule that reads a constant must go through `literalText` or set it.
 */
type FlagWalk = { flags: Set<StatementFlag>; readsLiteralValues: boolean };

export type CollectedFlags = { flags: StatementFlag[]; readsLiteralValues: boolean };

/**
 * The risk flags of one parsed statement. The whole tree is walked, so a flag raised deep inside
 * (a DELETE in a CTE, a dangerous function in a subquery, a view's or a SQL function's body, a rule's
 * action, `ALTER ROLE ... SET role`) counts. Two places are not walked: the statement of a PREPARE
 * (judged when EXECUTE runs it) and the statement of a plain EXPLAIN (planned, not run).
 */
export function collectFlags(stmt: Node): CollectedFlags {
  const w: FlagWalk = { flags: new Set(), readsLiteralValues: false };
  walk(stmt, w, 0);
  return { flags: STATEMENT_FLAGS.filter((f) => w.flags.has(f)), readsLiteralValues: w.readsLiteralValues };
}

/** Fields that hold a node's body without its `{ Type: ... }` wrapper. */
const UNWRAPPED_FIELDS: Record<string, string> = {
  // ALTER ROLE / ALTER DATABASE / ALTER SYSTEM ... SET role = ...
  setstmt: "VariableSetStmt",
  // CALL's procedure call
  funccall: "FuncCall",
};

/** Nested SQL texts (function bodies, query_to_xml arguments) are parsed up to this depth. */
const MAX_NESTED_SQL_DEPTH = 4;

function walk(value: unknown, w: FlagWalk, depth: number): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, w, depth);
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as Node)) {
    const type = /^[A-Z]/.test(key) ? key : UNWRAPPED_FIELDS[key];
    if (type && child && typeof child === "object" && !Array.isArray(child)) {
      if (flagNode(type, child as Node, w, depth) === "skip-children") continue;
    }
    walk(child, w, depth);
  }
}

/** Flags one node; returns "skip-children" when its subtree must not be walked as part of this statement. */
function flagNode(type: string, body: Node, w: FlagWalk, depth: number): "skip-children" | void {
  const flags = w.flags;
  switch (type) {
    case "UpdateStmt":
    case "DeleteStmt":
      if (isTrivialCondition(body.whereClause)) flags.add("write_without_where");
      return;
    case "MergeStmt":
      // MERGE ... ON true WHEN MATCHED THEN DELETE removes every row.
      if (isTrivialCondition(body.joinCondition) && mergeChangesRows(body)) flags.add("write_without_where");
      return;
    case "CommonTableExpr": {
      const query = body.ctequery as Node | undefined;
      if (query && DATA_MODIFYING.has(Object.keys(query)[0] ?? "")) flags.add("write_in_cte");
      return;
    }
    case "TruncateStmt":
      flags.add("truncate");
      return;
    case "DropdbStmt":
      flags.add("drop");
      flags.add("drop_database");
      return;
    case "AlterTableCmd":
      // Dropping a column destroys its data as surely as dropping the table.
      if (body.subtype === "AT_DropColumn") flags.add("drop");
      return;
    case "ExplainStmt":
      // EXPLAIN (ANALYZE 0) and (ANALYZE 1) differ by a literal's value.
      w.readsLiteralValues = true;
      if (!isExplainAnalyze(body)) return "skip-children";
      if (body.query && kindOfNode(body.query as Node) !== "read") flags.add("explain_analyze_write");
      return;
    case "PrepareStmt":
      flags.add("sql_prepare");
      return "skip-children";
    case "ExecuteStmt":
      flags.add("sql_execute");
      return;
    case "DoStmt":
      flags.add("do_block");
      w.readsLiteralValues = true;
      if (mentionsDangerousFunction(doBlockCode(body))) flags.add("dangerous_function");
      return;
    case "CallStmt":
      flags.add("call");
      return;
    case "TransactionStmt":
      // BEGIN / START TRANSACTION READ WRITE, in any order with the other modes.
      if (hasReadWriteOption(body.options, w)) flags.add("set_read_write");
      return;
    case "CopyStmt":
      if (body.is_program) flags.add("copy_program");
      else if (body.filename) flags.add("copy_server_file");
      return;
    case "VariableSetStmt": {
      if (body.kind === "VAR_RESET" || body.kind === "VAR_RESET_ALL") return;
      // PostgreSQL finds a setting by its name in any case: SET "Role" = ... is SET ROLE.
      const name = asciiLower(typeof body.name === "string" ? body.name : "");
      if (name === "role") flags.add("set_role");
      if (name === "session_authorization") flags.add("set_session_authorization");
      if (turnsReadOnlyOff(name, body, w)) flags.add("set_read_write");
      if (body.kind === "VAR_SET_VALUE" && READING_SETTINGS.has(name) && unreadableSetting(name, constantText(((body.args as unknown[] | undefined) ?? [])[0], w) ?? "")) {
        flags.add("changes_sql_reading");
      }
      return;
    }
    case "AlterSystemStmt":
      flags.add("alter_system");
      return;
    case "CreateExtensionStmt":
      flags.add("create_extension");
      return;
    case "CreateFunctionStmt":
      w.readsLiteralValues = true;
      flagFunctionBody(body, w, depth);
      return;
    case "FuncCall":
      flagFunctionCall(body, w, depth);
      return;
  }
  if (type.startsWith("Drop")) flags.add("drop");
}

/** The settings that make a session read-only. */
const READ_ONLY_SETTINGS = new Set(["default_transaction_read_only", "transaction_read_only"]);

/** The settings that change how the server reads SQL text (sql-reading.ts). */
const READING_SETTINGS = new Set(["client_encoding", "standard_conforming_strings"]);

/** Lower case as PostgreSQL folds setting names: ASCII letters only. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * SET default_transaction_read_only / transaction_read_only to anything but true, SET SESSION
 * CHARACTERISTICS AS TRANSACTION READ WRITE, SET TRANSACTION READ WRITE: what a read-only
 * session refuses. Any value but an unambiguous true counts (PostgreSQL reads unique prefixes:
 * 'of' is an error, 'f', 'n', '0' are false): a value Warden cannot read is taken as off.
 * SET ... TO DEFAULT and RESET go back to the session's startup value, which Warden sets to on
 * for a read-only session (is-session-read-only.ts).
 */
function turnsReadOnlyOff(name: string, body: Node, w: FlagWalk): boolean {
  const args = (body.args as unknown[] | undefined) ?? [];
  if (READ_ONLY_SETTINGS.has(name)) return body.kind === "VAR_SET_VALUE" && !isTrueConstant(args[0], w);
  if (body.kind !== "VAR_SET_MULTI") return false;
  return hasReadWriteOption(args, w);
}

/** Transaction modes (SET TRANSACTION, SET SESSION CHARACTERISTICS, BEGIN, START TRANSACTION) that include READ WRITE. */
function hasReadWriteOption(options: unknown, w: FlagWalk): boolean {
  const list = Array.isArray(options) ? options : [];
  return list.some((a) => {
    const option = (a as { DefElem?: { defname?: string; arg?: unknown } }).DefElem;
    return option?.defname === "transaction_read_only" && !isTrueConstant(option.arg, w);
  });
}

/** A constant that PostgreSQL reads as boolean true ('on', true, 1...); the walk now depends on literal values. */
function isTrueConstant(arg: unknown, w: FlagWalk): boolean {
  const text = constantText(arg, w);
  return text !== null && isTrueText(text);
}

/** A SET value's constant as the server flattens it to text (a string, an integer, a number); null for anything else. */
function constantText(arg: unknown, w: FlagWalk): string | null {
  w.readsLiteralValues = true;
  const c = (arg as Node)?.A_Const as { sval?: { sval?: string }; ival?: { ival?: number }; fval?: { fval?: string } } | undefined;
  if (!c) return null;
  if (c.sval) return c.sval.sval ?? "";
  // protobuf leaves a zero out: { ival: {} } is 0
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.fval) return c.fval.fval ?? null;
  return null;
}

function doBlockCode(doStmt: Node): string {
  const args = (doStmt.args as FunctionOption[] | undefined) ?? [];
  return args.find((a) => a.DefElem?.defname === "as")?.DefElem?.arg?.String?.sval ?? "";
}

function mergeChangesRows(merge: Node): boolean {
  const clauses = (merge.mergeWhenClauses as { MergeWhenClause?: { commandType?: string } }[] | undefined) ?? [];
  return clauses.some((c) => c.MergeWhenClause?.commandType === "CMD_UPDATE" || c.MergeWhenClause?.commandType === "CMD_DELETE");
}

function functionName(call: Node): string {
  const parts = (call.funcname as { String?: { sval?: string } }[] | undefined) ?? [];
  return parts.at(-1)?.String?.sval ?? "";
}

/** The value of a string constant (null for anything else); the walk now depends on literal values. */
function literalText(arg: unknown, w: FlagWalk): string | null {
  w.readsLiteralValues = true;
  const c = (arg as Node)?.A_Const as { sval?: { sval?: string } } | undefined;
  return c?.sval?.sval ?? null;
}

function flagFunctionCall(call: Node, w: FlagWalk, depth: number) {
  const flags = w.flags;
  const name = functionName(call).toLowerCase();
  const args = (call.args as unknown[] | undefined) ?? [];
  if (isDangerousFunction(name)) {
    flags.add("dangerous_function");
    return;
  }
  if (name === "set_config") {
    // set_config('role', ...) is SET ROLE by another name.
    const setting = literalText(args[0], w)?.toLowerCase();
    if (setting === "role") flags.add("set_role");
    else if (setting === "session_authorization") flags.add("set_session_authorization");
    else if (setting !== undefined && READ_ONLY_SETTINGS.has(setting) && !isTrueConstant(args[1], w)) flags.add("set_read_write");
    else if (setting !== undefined && READING_SETTINGS.has(setting)) {
      const value = literalText(args[1], w);
      if (value === null || unreadableSetting(setting, value)) flags.add("changes_sql_reading");
    }
    else if (setting === undefined) {
      // A name Warden cannot read may be default_transaction_read_only as well as role.
      flags.add("dangerous_function");
      flags.add("set_read_write");
    }
    return;
  }
  const queryArg = SQL_TEXT_FUNCTIONS[name];
  if (queryArg !== undefined && args.length > queryArg) {
    const text = literalText(args[queryArg], w);
    if (text === null || !flagNestedSql(text, w, depth)) flags.add("dangerous_function");
  }
}

type FunctionOption = { DefElem?: { defname?: string; arg?: { String?: { sval?: string }; List?: { items?: { String?: { sval?: string } }[] } } } };

/** A function's body runs whenever the function is called: its flags are the definition's. */
function flagFunctionBody(fn: Node, w: FlagWalk, depth: number) {
  const flags = w.flags;
  const options = (fn.options as FunctionOption[] | undefined) ?? [];
  const language = options.find((o) => o.DefElem?.defname === "language")?.DefElem?.arg?.String?.sval?.toLowerCase() ?? "sql";
  const body = options.find((o) => o.DefElem?.defname === "as")?.DefElem?.arg?.List?.items?.[0]?.String?.sval;
  // A BEGIN ATOMIC body (`sql_body`) is part of the tree and walked like any other node.
  if (body === undefined) return;
  if (SQL_BODY_LANGUAGES.has(language)) {
    if (!flagNestedSql(body, w, depth)) flags.add("dangerous_function");
    return;
  }
  if (mentionsDangerousFunction(body)) flags.add("dangerous_function");
}

/** Parses SQL found inside a statement and adds its flags; false when it cannot be read. */
function flagNestedSql(sql: string, w: FlagWalk, depth: number): boolean {
  if (depth >= MAX_NESTED_SQL_DEPTH) return false;
  let parsed: { stmts?: { stmt?: Node }[] };
  try {
    parsed = parseSync(sql) as typeof parsed;
  } catch {
    return false;
  }
  for (const s of parsed.stmts ?? []) if (s.stmt) walk(s.stmt, w, depth + 1);
  return true;
}
