import { parseSync, scanSync } from "libpg-query";

/**
 * Takes passwords out of statement text before it is stored or sent anywhere (recording, audit
 * trail, approval request, webhook, console). The statement itself still goes to the server as the
 * client wrote it; only the copy Warden keeps is redacted.
 *
 * The parser finds the secrets, not a pattern: a literal is cut out of the text by its lexer token
 * (byte offsets into UTF-8, as libpg-query reports them), so quoting (`'pa''ss'`, `E'…'`, `$$…$$`,
 * `U&'…'`) and text before it in any script cannot shift the cut. What is redacted:
 * - `CREATE/ALTER ROLE|USER … [ENCRYPTED] PASSWORD '…'`, and every `password` option
 *   (`CREATE/ALTER USER MAPPING|SERVER … OPTIONS (password '…')`, `ADD`/`SET password`);
 * - `SET` / `ALTER SYSTEM SET` / `ALTER ROLE|DATABASE … SET` of a setting whose name contains
 *   `password`, and `set_config(name, value, …)` when the name does, or is not a plain constant;
 * - every string constant and bound parameter in the connection argument of the dblink functions
 *   (`dblink_connect[_u]`: all arguments; `dblink`, `dblink_exec`, `dblink_open`, …: the first);
 * - a `DO` block's body that mentions `password` (what it runs is not parsed here).
 * A literal becomes `'<redacted>'`; a bound parameter's value becomes `<redacted>`.
 *
 * Fail-closed: text that does not parse and mentions `password` or `dblink` is recorded as a
 * placeholder, its parameters redacted. Text that mentions none of the words the rules above need
 * (`password`, `dblink`, `set_config`, `U&` escapes) is returned as is without parsing.
 */

export const REDACTED = "<redacted>";
export const REDACTED_LITERAL = `'${REDACTED}'`;
export const WITHHELD_SQL = "/* statement text withheld by Warden: it did not parse and may hold a password */";

export type RedactableParam = { value: string | null; format: "text" | "binary" };
/**
 * `secrets`: the values taken out (decoded literals and parameter values), so the statement's other
 * records can drop them where the server echoes them back: `set_config` returns its value, and an
 * error may quote one.
 */
export type Redaction<P extends RedactableParam> = { sql: string; params: P[] | null; isRedacted: boolean; secrets: string[] };

const MAY_HOLD_SECRET = /password|dblink|set_config|u&/i;
const UNPARSED_SECRET = /password|dblink/i;
const DBLINK_ALL_ARGS = new Set(["dblink_connect", "dblink_connect_u"]);
const DBLINK_FIRST_ARG = new Set(["dblink", "dblink_exec", "dblink_open", "dblink_fetch", "dblink_close", "dblink_send_query"]);

type Node = Record<string, unknown>;
/** What to take out: a string token (located by the parse tree) or a bound parameter ($n). */
type Finding = { kind: "token"; at: number; isExact: boolean; value?: string } | { kind: "param"; number: number };

/**
 * `executed`: for `EXECUTE name(…)`, the text of the prepared statement it runs; an argument that
 * fills a parameter the rules above would redact is redacted in the EXECUTE.
 */
export function redactSecrets<P extends RedactableParam>(sql: string, params: P[] | null = null, opts: { executed?: string } = {}): Redaction<P> {
  if (!MAY_HOLD_SECRET.test(sql) && !(opts.executed && MAY_HOLD_SECRET.test(opts.executed))) return { sql, params, isRedacted: false, secrets: [] };
  let tree: { stmts?: { stmt?: Node }[] };
  try {
    tree = parseSync(sql) as typeof tree;
  } catch {
    if (!UNPARSED_SECRET.test(sql)) return { sql, params, isRedacted: false, secrets: [] };
    return { sql: WITHHELD_SQL, params: params && params.map(redactParam), isRedacted: true, secrets: textValues(params) };
  }
  const findings: Finding[] = [];
  for (const s of tree.stmts ?? []) collectFindings(s.stmt, params, findings);
  if (opts.executed) findInExecute(tree.stmts?.[0]?.stmt, opts.executed, findings);
  if (findings.length === 0) return { sql, params, isRedacted: false, secrets: [] };
  return applyFindings(sql, params, findings);
}

function applyFindings<P extends RedactableParam>(sql: string, params: P[] | null, findings: Finding[]): Redaction<P> {
  const bytes = Buffer.from(sql, "utf8");
  // The scanner names a U&'…' string's token UNKNOWN: it is told by its text.
  const tokens = scanSync(sql).tokens.filter((t) => t.tokenName === "SCONST" || /^u&'/i.test(t.text));
  const cuts = new Map<number, number>();
  const paramNumbers = new Set<number>();
  const secrets = new Set<string>();
  for (const f of findings) {
    if (f.kind === "param") {
      paramNumbers.add(f.number);
      continue;
    }
    if (f.value) secrets.add(f.value);
    // A_Const points at its token; a DefElem points at its option name, the literal follows it.
    const token = f.isExact ? (tokens.find((t) => t.start === f.at) ?? tokens.find((t) => t.start > f.at)) : tokens.find((t) => t.start > f.at);
    if (token) cuts.set(token.start, token.end);
  }
  let out = bytes;
  for (const [start, end] of [...cuts].sort((a, b) => b[0] - a[0])) {
    out = Buffer.concat([out.subarray(0, start), Buffer.from(REDACTED_LITERAL), out.subarray(end)]);
  }
  const redactedParams = params && params.map((p, i) => (paramNumbers.has(i + 1) ? redactParam(p) : p));
  const taken = (params ?? []).filter((_, i) => paramNumbers.has(i + 1));
  for (const v of textValues(taken)) secrets.add(v);
  const isRedacted = cuts.size > 0 || taken.length > 0;
  return { sql: out.toString("utf8"), params: redactedParams, isRedacted, secrets: [...secrets] };
}

function textValues(params: RedactableParam[] | null): string[] {
  return (params ?? []).flatMap((p) => (p.value !== null && p.format === "text" ? [p.value] : []));
}

function redactParam<P extends RedactableParam>(p: P): P {
  return p.value === null ? p : { ...p, value: REDACTED, format: "text" };
}

function collectFindings(value: unknown, params: RedactableParam[] | null, into: Finding[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectFindings(v, params, into);
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as Node)) {
    const node = child as Node;
    if (key === "DefElem") findInOption(node, into);
    // SET is a VariableSetStmt; ALTER SYSTEM / ROLE / DATABASE … SET hold one as their `setstmt`.
    else if (key === "VariableSetStmt" || key === "setstmt") findInSetting(node, into);
    else if (key === "FuncCall") findInCall(node, params, into);
    else if (key === "DoStmt") findInDo(node, into);
    collectFindings(child, params, into);
  }
}

/** `PASSWORD '…'` of a role and `password '…'` in OPTIONS are both a DefElem named password. */
function findInOption(def: Node, into: Finding[]): void {
  const name = String(def.defname ?? "").toLowerCase();
  if (!name.includes("password")) return;
  const arg = def.arg as Node | undefined;
  // PASSWORD NULL has no literal to take out.
  if (!arg || !("String" in arg || "A_Const" in arg)) return;
  const value = ((arg.String ?? (arg.A_Const as Node | undefined)?.sval) as Node | undefined)?.sval;
  into.push({ kind: "token", at: Number(def.location ?? 0), isExact: false, value: typeof value === "string" ? value : undefined });
}

function findInSetting(set: Node, into: Finding[]): void {
  if (!String(set.name ?? "").toLowerCase().includes("password")) return;
  for (const c of constantsIn(set.args)) into.push(c);
}

function findInCall(call: Node, params: RedactableParam[] | null, into: Finding[]): void {
  const names = (call.funcname as Node[] | undefined) ?? [];
  const name = String((names.at(-1)?.String as Node | undefined)?.sval ?? "").toLowerCase();
  const args = (call.args as unknown[] | undefined) ?? [];
  if (DBLINK_ALL_ARGS.has(name)) for (const c of constantsIn(args)) into.push(c);
  else if (DBLINK_FIRST_ARG.has(name)) for (const c of constantsIn(args[0])) into.push(c);
  else if (name === "set_config" && args.length >= 2 && !isHarmlessSettingName(args[0], params)) for (const c of constantsIn(args[1])) into.push(c);
}

/** A setting name that is a plain constant (or bound value) without `password` in it; anything else counts as a secret's. */
function isHarmlessSettingName(arg: unknown, params: RedactableParam[] | null): boolean {
  const node = arg as Node;
  const constant = node?.A_Const as Node | undefined;
  if (constant) {
    const value = (constant.sval as Node | undefined)?.sval;
    return typeof value === "string" && !value.toLowerCase().includes("password");
  }
  const ref = node?.ParamRef as Node | undefined;
  if (ref && params) {
    const value = params[Number(ref.number ?? 0) - 1]?.value;
    return typeof value === "string" && !value.toLowerCase().includes("password");
  }
  return false;
}

function findInDo(stmt: Node, into: Finding[]): void {
  for (const a of (stmt.args as Node[] | undefined) ?? []) {
    const def = a.DefElem as Node | undefined;
    const body = (def?.arg as Node | undefined)?.String as Node | undefined;
    if (def?.defname === "as" && typeof body?.sval === "string" && /password/i.test(body.sval)) {
      into.push({ kind: "token", at: Number(def.location ?? 0), isExact: true, value: body.sval });
    }
  }
}

/** EXECUTE's arguments are the prepared statement's parameters: those it would redact are redacted here. */
function findInExecute(stmt: Node | undefined, executed: string, into: Finding[]): void {
  const args = ((stmt?.ExecuteStmt as Node | undefined)?.params as Node[] | undefined) ?? [];
  if (args.length === 0) return;
  let tree: { stmts?: { stmt?: Node }[] };
  try {
    tree = parseSync(executed) as typeof tree;
  } catch {
    // Cannot tell which argument is a secret: all are.
    for (const c of constantsIn(args)) into.push(c);
    return;
  }
  // Argument values as the parameters' values, so set_config($1, $2) can be judged by its name.
  const values: RedactableParam[] = args.map((a) => {
    const v = ((a.A_Const as Node | undefined)?.sval as Node | undefined)?.sval;
    return { value: typeof v === "string" ? v : null, format: "text" };
  });
  const inner: Finding[] = [];
  for (const s of tree.stmts ?? []) collectFindings(s.stmt, values, inner);
  for (const f of inner) if (f.kind === "param" && args[f.number - 1]) for (const c of constantsIn(args[f.number - 1])) into.push(c);
}

/** Every string constant and bound parameter in an expression. */
function constantsIn(value: unknown): Finding[] {
  const found: Finding[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    for (const [key, child] of Object.entries(v as Node)) {
      const node = child as Node;
      if (key === "A_Const" && node.sval) found.push({ kind: "token", at: Number(node.location ?? 0), isExact: true, value: String((node.sval as Node).sval ?? "") });
      else if (key === "ParamRef") found.push({ kind: "param", number: Number(node.number ?? 0) });
      walk(child);
    }
  };
  walk(value);
  return found;
}
