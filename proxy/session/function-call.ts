import type { RecordedColumn, RecordedParam } from "@/drizzle/schema";
import { classifySql, type ClassifiedStatement } from "@/lib/policy/classify-statement";
import type { GatewayHooks, SessionInfo } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import type { TargetFunction } from "../policy/function-oids";
import { decodeDataRow, encodeDataRow } from "../protocol/backend-decoders";
import { decodeFunctionResult, encodeFunctionResult, type FunctionCallMessage } from "../protocol/function-call-message";
import { SqlState } from "../protocol/sql-state";
import type { Refusal } from "./decide-statements";
import { passDataRow } from "./result-stream";
import { recordParams, type StatementRun } from "./statement-run";

/**
 * The protocol's fast path (FunctionCall), judged as SQL. The call names a function by OID; the
 * gateway reads the function's real schema and name from the target's pg_proc and judges, records
 * and shows the call as the equivalent `SELECT schema.fn($1, ...)` with the call's arguments as
 * its parameters: the same classifier and policy as any statement, so server-side lo_import and
 * lo_export, pg_read_file, pg_terminate_backend, dblink and set_config stay refused as in SQL, and
 * lowrite, lo_creat, lo_unlink, lo_truncate count as writes (lib/policy/large-object-functions.ts).
 * What PostgreSQL itself would refuse before running anything is refused with PostgreSQL's own
 * SQLSTATE and message, without reaching the function.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-FUNCTION-CALL
 */

export type CalledFunction =
  | { kind: "found"; fn: TargetFunction }
  | { kind: "missing" }
  /** Not known: no way to look functions up here (0A000), or the lookup failed (57P03: try again). */
  | { kind: "unavailable"; sqlState: string; reason: string };

/** The function behind the OID, from the describeFunction hook; never the client's word for it. */
export function lookUpFunction(hooks: GatewayHooks, session: SessionInfo, oid: number, log: Logger): CalledFunction | Promise<CalledFunction> {
  const describe = hooks.describeFunction;
  if (!describe) return { kind: "unavailable", sqlState: SqlState.FeatureNotSupported, reason: "this gateway cannot look up functions on its targets" };
  const settle = (fn: TargetFunction | null): CalledFunction => (fn ? { kind: "found", fn } : { kind: "missing" });
  const fail = (err: unknown): CalledFunction => {
    log.warn("function lookup failed; the fast-path call is refused", { oid, error: (err as Error)?.message });
    return { kind: "unavailable", sqlState: SqlState.CannotConnectNow, reason: "the target's catalog could not be read; try again" };
  };
  try {
    const found = describe(session, oid);
    return found instanceof Promise ? found.then(settle, fail) : settle(found);
  } catch (err) {
    return fail(err);
  }
}

export type JudgedCall = {
  /** As recorded and shown: `SELECT pg_catalog.lowrite($1, $2)`. */
  sql: string;
  classification: ClassifiedStatement;
  parseError: string | null;
  params: RecordedParam[] | null;
  /** Refused before policy (unknown OID, wrong argument count...), with PostgreSQL's own error where it has one. */
  refusal: Refusal | null;
  /** The result's one column, for masking and the recording. */
  column: RecordedColumn | null;
};

export function judgeFunctionCall(call: FunctionCallMessage, called: CalledFunction): JudgedCall {
  if (called.kind !== "found") {
    const sql = `/* FunctionCall of function OID ${call.oid}${called.kind === "missing" ? ", which the target does not have" : ""} */`;
    const refusal: Refusal =
      called.kind === "missing"
        ? { sqlState: "42883", message: `function with OID ${call.oid} does not exist` }
        : { sqlState: called.sqlState, message: `Warden could not look up the function with OID ${call.oid}, so the call was not run: ${called.reason}` };
    return { sql, classification: callStatement(sql), parseError: null, params: null, refusal, column: null };
  }
  const { fn } = called;
  // The function's own arity: a call with another argument count is refused below, and recorded without its arguments.
  const sql = selectSql(fn, fn.argTypes.length);
  const params = call.args.length === fn.argTypes.length ? recordParams(call.args, call.argFormats, fn.argTypes) : null;
  const column: RecordedColumn = { name: fn.name, typeOid: fn.returnType, tableOid: 0, columnNumber: 0, format: call.resultFormat === 1 ? "binary" : "text" };
  const c = classifySql(sql);
  return {
    sql,
    classification: c.statements[0] ?? callStatement(sql),
    parseError: c.isParsed ? null : c.error,
    params,
    refusal: refusalBeforeRunning(call, fn),
    column,
  };
}

/** What PostgreSQL refuses before calling the function (fastpath.c), in its order, with its codes and messages. */
function refusalBeforeRunning(call: FunctionCallMessage, fn: TargetFunction): Refusal | null {
  if (fn.kind !== "f" || fn.returnsSet) return { sqlState: SqlState.FeatureNotSupported, message: `cannot call function "${fn.name}" via fastpath interface` };
  const nargs = call.args.length;
  if (nargs !== fn.argTypes.length) {
    return { sqlState: SqlState.ProtocolViolation, message: `function call message contains ${nargs} arguments but function requires ${fn.argTypes.length}` };
  }
  for (const f of [...call.argFormats, call.resultFormat]) {
    if (f !== 0 && f !== 1) return { sqlState: "22023", message: `unsupported format code: ${f}` };
  }
  return null;
}

/**
 * `SELECT schema.name($1, ...)`, names quoted where they must be. The parse tree must name the very
 * function: if it does not (a name the grammar reads otherwise), every part is quoted.
 */
function selectSql(fn: TargetFunction, nargs: number): string {
  const args = Array.from({ length: nargs }, (_, i) => `$${i + 1}`).join(", ");
  const plain = `SELECT ${quoteName(fn.schema)}.${quoteName(fn.name)}(${args})`;
  const c = classifySql(plain);
  const called = c.isParsed ? c.statements[0]?.readSafety?.functions : undefined;
  if (called?.length === 1 && called[0].schema === fn.schema && called[0].name === fn.name) return plain;
  return `SELECT ${quoteAlways(fn.schema)}.${quoteAlways(fn.name)}(${args})`;
}

const PLAIN_NAME = /^[a-z_][a-z0-9_$]*$/;

function quoteName(name: string): string {
  return PLAIN_NAME.test(name) ? name : quoteAlways(name);
}

function quoteAlways(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A call refused before it could be classified: judged by its refusal alone. */
function callStatement(sql: string): ClassifiedStatement {
  return { sql, kind: "unknown", command: "FunctionCall", relations: [], fingerprint: null, flags: [] };
}

type Out = (buf: Buffer) => void;

/**
 * FunctionCallResponse: the result passes through the run's row filter (masking) and into the
 * recording as a one-column row, as `SELECT fn(...)`'s would. A promise: the row filter is still
 * being set up; the caller hands the frame in again once it settles (as for DataRow).
 */
export function passFunctionResult(run: StatementRun, column: RecordedColumn, frame: Buffer, out: Out, onColumns: (run: StatementRun) => void): void | Promise<void> {
  if (!run.hasColumns) {
    run.setColumns([column], [column.format === "binary" ? 1 : 0]);
    onColumns(run);
  }
  const row = encodeDataRow([decodeFunctionResult(frame)]);
  // Always from the row as it passed: masking may have changed it in place, keeping its identity.
  return passDataRow(run, row, (passed) => out(encodeFunctionResult(decodeDataRow(passed)[0] ?? null)));
}
