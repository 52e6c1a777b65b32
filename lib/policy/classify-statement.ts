import { fingerprintSync, loadModule, parseSync, scanSync } from "libpg-query";
import { collectFlags } from "./classify-flags";
import { collectRelations, type RelationRef } from "./collect-relations";
import { writesLargeObjects } from "./large-object-functions";
import { LruCache } from "./lru-cache";
import { plainInsertTarget } from "./plain-insert";
import { analyzeReadSafety, type QualifiedName, type ReadSafety } from "./read-safety";
import type { StatementFlag } from "./statement-flags";
import { kindOfNode, type StatementKind } from "./statement-kind";
import { literalPositionsOf, shapeOfSql, type StatementShape } from "./statement-shape";

/**
 * SQL classification with PostgreSQL's own parser (libpg-query, WASM). `loadClassifier()` once per
 * process, then `classifySql()` synchronously on the hot path.
 *
 * Each statement shape is parsed once: results are cached by the text's shape (statement-shape.ts:
 * the text with its literals' values taken out), so `... WHERE aid = 1` and `... WHERE aid = 2`
 * share one parse and one fingerprint. A shape is reused only where neither the classification nor
 * the fingerprint can depend on literal values: the statement types listed in SHAPE_CACHED_COMMANDS,
 * every literal of the text became an A_Const node (the fingerprint leaves those out; a literal the
 * grammar put elsewhere, such as FETCH's count, can change it), and no rule read a constant's value
 * (classify-flags.ts records it: `set_config('role', ...)`, `query_to_xml('...')`). Everything else,
 * and text the shape lexer is unsure of, is cached by its full text, as before. The tests check
 * every literal of the evasion corpus: a cached answer equals an uncached one.
 */

export type ClassifiedStatement = {
  /** The statement's own text (a query string may hold several). */
  sql: string;
  kind: StatementKind;
  /** Parse node type, such as "SelectStmt" or "InsertStmt". */
  command: string;
  relations: RelationRef[];
  /** libpg-query fingerprint: equal for statements that differ only in constants. */
  fingerprint: string | null;
  /** Risk flags (statement-flags.ts); guardrails and approval rules match on them. */
  flags: StatementFlag[];
  /**
   * Whether nothing in the statement can write, as far as its parse tree tells (read-safety.ts);
   * the target's catalog decides the rest. Absent: not a read that may start before its record.
   */
  readSafety?: ReadSafety;
  /** An INSERT that can only add rows to this table, as far as its parse tree tells (plain-insert.ts). */
  plainInsertTarget?: QualifiedName;
  /** PREPARE name AS ...: what a later EXECUTE name runs, and is judged as (prepared-statements.ts). */
  prepares?: { name: string; statement: ClassifiedStatement };
  /** EXECUTE name: the prepared statement it runs. */
  executes?: string;
  /** EXECUTE name, as judged (prepared-statements.ts): the text of the statement it runs, whose parameters its arguments fill. */
  executedSql?: string;
  /** DEALLOCATE name; null for DEALLOCATE ALL and DISCARD ALL. */
  deallocates?: string | null;
};

export type SqlClassification =
  | { isParsed: true; statements: ClassifiedStatement[] }
  /**
   * Not parsed (syntax error, too large, or too deep for the classifier): policy treats it by its
   * fail-closed rule. `classifierFailure`: the classifier's own failure (PostgreSQL's grammar may
   * accept the text), so the gateway can log it.
   */
  | { isParsed: false; error: string; statements: ClassifiedStatement[]; classifierFailure?: string };

/** Texts above this size are not parsed; they count as unclassified. */
export const MAX_CLASSIFIED_SQL_BYTES = 1024 * 1024;
/** Only texts up to this size are cached: big ones are rarely repeated and would crowd the cache. */
const MAX_CACHED_SQL_CHARS = 16 * 1024;
const CACHE_ENTRIES = 2000;

/**
 * Statement types whose classification depends on literals only through constants the flag rules
 * read (and record reading). Others carry literal values in places the rules read directly (a DO
 * block's body, a function's body, an EXPLAIN option, PREPARE's text) or are rare enough that a
 * cache by full text serves them.
 */
const SHAPE_CACHED_COMMANDS = new Set([
  "SelectStmt",
  "InsertStmt",
  "UpdateStmt",
  "DeleteStmt",
  "MergeStmt",
  "VariableSetStmt",
  "VariableShowStmt",
  "TransactionStmt",
  "ExecuteStmt",
  "CallStmt",
  "DeclareCursorStmt",
  "FetchStmt",
  "ClosePortalStmt",
]);

/** A statement of a cached shape: everything but its text, and which `;`-separated part of the text it is. */
type ShapeStatement = { segment: number; statement: Omit<ClassifiedStatement, "sql"> };
/** `byText`: the shape's classification depends on literal values; look the text up instead. */
type ShapeEntry = { byText: true } | { byText: false; isSingle: boolean; statements: ShapeStatement[] };
const BY_TEXT: ShapeEntry = { byText: true };

let loading: Promise<void> | undefined;
let isLoaded = false;
const textCache = new LruCache<string, SqlClassification>(CACHE_ENTRIES);
const shapeCache = new LruCache<string, ShapeEntry>(CACHE_ENTRIES);

/** How the classifier answered so far in this process (tests and metrics). */
const counts = { parses: 0, shapeHits: 0, textHits: 0 };

export function classifierCounts(): Readonly<typeof counts> {
  return { ...counts };
}

export function loadClassifier(): Promise<void> {
  loading ??= loadModule().then(() => {
    isLoaded = true;
  });
  return loading;
}

type ParsedStmt = { stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number };

export function classifySql(sql: string, opts: { maxBytes?: number } = {}): SqlClassification {
  if (!isLoaded) throw new Error("classifySql called before loadClassifier() finished");
  const maxBytes = opts.maxBytes ?? MAX_CLASSIFIED_SQL_BYTES;
  // A UTF-16 character is at least one UTF-8 byte: a text with more characters than the limit has
  // more bytes too. It is refused without being encoded or scanned (a 50 MB text costs nothing here).
  if (sql.length > maxBytes) return unclassified(sql, `statement text of at least ${sql.length} bytes is over the classifier's limit of ${maxBytes} bytes`, "oversized");
  // An empty text holds no statement (PostgreSQL answers EmptyQueryResponse); libpg-query refuses it.
  if (EMPTY_TEXT.test(sql)) return NO_STATEMENTS;
  // The caches hold results under the default limit only (and cached texts are far below it).
  if (sql.length > MAX_CACHED_SQL_CHARS || maxBytes !== MAX_CLASSIFIED_SQL_BYTES) return classifyText(sql, maxBytes, null).classification;

  const byText = textCache.get(sql);
  if (byText) {
    counts.textHits++;
    return byText;
  }
  let shape = shapeOfSql(sql);
  if (shape) {
    const entry = shapeCache.get(shape.key);
    if (entry && !entry.byText) {
      counts.shapeHits++;
      return fromShape(sql, shape, entry);
    }
    // A shape known to depend on its literals is not examined again.
    if (entry) shape = null;
  }
  const { classification, shapeEntry } = classifyText(sql, maxBytes, shape);
  // How deep the classifier can go depends on the stack it was called with: a failure is not cached.
  if (!classification.isParsed && classification.classifierFailure) return classification;
  if (shape && shapeEntry) {
    shapeCache.set(shape.key, shapeEntry);
    return classification;
  }
  if (shape) shapeCache.set(shape.key, BY_TEXT);
  textCache.set(sql, classification);
  return classification;
}

/** Classification without any cache: what `classifySql` must always agree with (tests compare the two). */
export function classifySqlUncached(sql: string, opts: { maxBytes?: number } = {}): SqlClassification {
  if (!isLoaded) throw new Error("classifySqlUncached called before loadClassifier() finished");
  const maxBytes = opts.maxBytes ?? MAX_CLASSIFIED_SQL_BYTES;
  if (sql.length > maxBytes) return unclassified(sql, `statement text of at least ${sql.length} bytes is over the classifier's limit of ${maxBytes} bytes`, "oversized");
  return classifyText(sql, maxBytes, null).classification;
}

/** Only whitespace, as PostgreSQL's scanner counts it. */
const EMPTY_TEXT = /^[ \t\n\r\f\v]*$/;
const NO_STATEMENTS: SqlClassification = { isParsed: true, statements: [] };

function unclassified(sql: string, error: string, flag: "unparsed" | "oversized"): SqlClassification {
  return { isParsed: false, error, statements: [{ sql, kind: "unknown", command: "unknown", relations: [], fingerprint: null, flags: [flag] }] };
}

/**
 * JavaScript's stack overflow. The tree walkers below (and libpg-query's own JSON reading) recurse
 * once per level of the parse tree, so an expression a few thousand terms deep (`1 + 1 + ... + 1`,
 * which PostgreSQL runs) exhausts the stack; how deep depends on the caller's stack.
 */
function isStackOverflow(err: unknown): err is RangeError {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

/** Text the classifier cannot walk: unparsed, so the fail-closed rule answers it; never cached. */
function tooDeep(sql: string, err: RangeError): SqlClassification {
  const error = `Warden's classifier failed on this text: the statement is nested too deeply for Warden's classifier (${err.message})`;
  return { isParsed: false, error, classifierFailure: err.message, statements: [{ sql, kind: "unknown", command: "unknown", relations: [], fingerprint: null, flags: ["unparsed"] }] };
}

/** The text of the only statement of a query string. */
function singleStatementText(sql: string): string {
  return sql.trim().replace(/;\s*$/, "");
}

function fromShape(sql: string, shape: StatementShape, entry: ShapeEntry & { byText: false }): SqlClassification {
  const statements: ClassifiedStatement[] = [];
  for (const { segment, statement: t } of entry.statements) {
    const text = entry.isSingle ? singleStatementText(sql) : sql.slice(shape.segments[2 * segment], shape.segments[2 * segment + 1]).trim();
    // Built field by field (not spread): one object shape for every hit, which V8 builds fastest.
    // A new field of ClassifiedStatement belongs here too (the tests compare hits with uncached results).
    const s: ClassifiedStatement = { sql: text, kind: t.kind, command: t.command, relations: t.relations, fingerprint: t.fingerprint, flags: t.flags, readSafety: t.readSafety };
    if (t.plainInsertTarget !== undefined) s.plainInsertTarget = t.plainInsertTarget;
    if (t.executes !== undefined) s.executes = t.executes;
    if (t.deallocates !== undefined) s.deallocates = t.deallocates;
    statements.push(s);
  }
  return { isParsed: true, statements };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Parses and classifies a text. With its shape, also says whether (and how) the result may be
 * reused for every text of that shape: `shapeEntry` is null when it may not.
 */
function classifyText(sql: string, maxBytes: number, shape: StatementShape | null): { classification: SqlClassification; shapeEntry: ShapeEntry | null } {
  const bytes = utf8.encode(sql);
  if (bytes.length > maxBytes) {
    return { classification: unclassified(sql, `statement text of ${bytes.length} bytes is over the classifier's limit of ${maxBytes} bytes`, "oversized"), shapeEntry: null };
  }
  let parsed: { stmts?: ParsedStmt[] };
  counts.parses++;
  try {
    parsed = parseSync(sql) as { stmts?: ParsedStmt[] };
  } catch (err) {
    if (isStackOverflow(err)) return { classification: tooDeep(sql, err), shapeEntry: null };
    // An error message can quote a literal: such results are cached by text.
    return { classification: unclassified(sql, (err as Error).message, "unparsed"), shapeEntry: null };
  }
  try {
    return classifyParsed(sql, bytes, parsed.stmts ?? [], shape);
  } catch (err) {
    if (isStackOverflow(err)) return { classification: tooDeep(sql, err), shapeEntry: null };
    throw err;
  }
}

/** Classifies each statement of a parse; see classifyText. Its tree walkers recurse (isStackOverflow). */
function classifyParsed(sql: string, bytes: Uint8Array, stmts: ParsedStmt[], shape: StatementShape | null): { classification: SqlClassification; shapeEntry: ShapeEntry | null } {
  let isShapeable = shape !== null && everyLiteralIsAConstant(sql, bytes.length, stmts);
  const shapeStatements: ShapeStatement[] = [];
  let nextSegment = 0;
  const statements = stmts.map((s): ClassifiedStatement => {
    // Locations are byte offsets into the UTF-8 text; a length of 0 means "to the end".
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    const text = stmts.length === 1 ? singleStatementText(sql) : fromUtf8.decode(bytes.subarray(start, end)).trim();
    const { statement, readsLiteralValues } = classifyNode(s.stmt ?? {}, text);
    if (isShapeable && shape) {
      const segment = stmts.length === 1 ? -1 : findSegment(sql, shape, nextSegment, text);
      if (readsLiteralValues || !SHAPE_CACHED_COMMANDS.has(statement.command) || statement.prepares || (stmts.length > 1 && segment < 0)) isShapeable = false;
      else {
        nextSegment = segment + 1;
        const { sql: _text, ...rest } = statement;
        shapeStatements.push({ segment, statement: rest });
      }
    }
    return statement;
  });
  const classification: SqlClassification = { isParsed: true, statements };
  return { classification, shapeEntry: isShapeable ? { byText: false, isSingle: stmts.length === 1, statements: shapeStatements } : null };
}

/**
 * Whether each literal of the text became an A_Const node of the parse tree. Flags read constants
 * only through `literalText` (which marks the statement), and libpg-query's fingerprint leaves
 * A_Const values out; a literal that the grammar put anywhere else (FETCH's count, an array bound,
 * `current_time(3)`'s precision, an EXPLAIN option, a DO body) can change the classification or the
 * fingerprint, and the statement is cached by its text instead.
 */
function everyLiteralIsAConstant(sql: string, byteLength: number, stmts: ParsedStmt[]): boolean {
  const literals = literalPositionsOf(sql);
  if (!literals) return false;
  if (literals.length === 0) return true;
  const locations = new Set<number>();
  collectConstantLocations(stmts, locations);
  // Parse locations are UTF-8 byte offsets; the lexer's are UTF-16 offsets. They agree on ASCII text.
  const toByte = byteLength === sql.length ? (at: number) => at : byteOffsetsOf(sql);
  return literals.every((positions) => positions.some((at) => locations.has(toByte(at))));
}

function collectConstantLocations(value: unknown, into: Set<number>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectConstantLocations(v, into);
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === "A_Const") {
      const location = (child as { location?: number }).location;
      // protobuf leaves a zero out
      into.add(location ?? 0);
    }
    collectConstantLocations(child, into);
  }
}

function byteOffsetsOf(sql: string): (at: number) => number {
  const offsets = new Uint32Array(sql.length + 1);
  let bytes = 0;
  for (let i = 0; i < sql.length; i++) {
    offsets[i] = bytes;
    const c = sql.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < sql.length && (sql.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair is one 4-byte character.
      offsets[++i] = bytes;
      bytes += 4;
    } else bytes += 3; // including a lone surrogate, which the encoder writes as U+FFFD
  }
  offsets[sql.length] = bytes;
  return (at) => offsets[at];
}

/**
 * Which `;`-separated part of the text a statement is, checked by its text: the parser's statement
 * boundaries are its `;` tokens, the same in every text of the shape, so the part's index is too.
 */
function findSegment(sql: string, shape: StatementShape, from: number, text: string): number {
  for (let i = from; 2 * i < shape.segments.length; i++) {
    const start = shape.segments[2 * i];
    if (start < 0) continue;
    return sql.slice(start, shape.segments[2 * i + 1]).trim() === text ? i : -1;
  }
  return -1;
}

function classifyNode(node: Record<string, unknown>, text: string): { statement: ClassifiedStatement; readsLiteralValues: boolean } {
  const command = Object.keys(node)[0] ?? "unknown";
  const body = (node[command] ?? {}) as Record<string, unknown>;
  const { flags, readsLiteralValues } = collectFlags(node);
  const readSafety = analyzeReadSafety(node);
  let kind = kindOfNode(node);
  // A data-modifying CTE nested where PostgreSQL would refuse it still makes the statement a write;
  // so does a call that creates, writes or removes a large object.
  if (kind === "read" && (flags.includes("write_in_cte") || writesLargeObjects(readSafety.functions))) kind = "write";
  const classified: ClassifiedStatement = {
    sql: text,
    kind,
    command,
    relations: collectRelations(node),
    fingerprint: fingerprintOf(text),
    flags,
    readSafety,
  };
  const insertTarget = command === "InsertStmt" ? plainInsertTarget(node) : null;
  if (insertTarget) classified.plainInsertTarget = insertTarget;
  if (command === "PrepareStmt" && typeof body.name === "string" && body.query) {
    classified.prepares = { name: body.name, statement: classifyNode(body.query as Record<string, unknown>, preparedText(text)).statement };
  }
  if (command === "ExecuteStmt" && typeof body.name === "string") classified.executes = body.name;
  if (command === "DeallocateStmt") classified.deallocates = body.isall || typeof body.name !== "string" ? null : body.name;
  if (command === "DiscardStmt" && body.target === "DISCARD_ALL") classified.deallocates = null;
  return { statement: classified, readsLiteralValues };
}

function fingerprintOf(text: string): string | null {
  try {
    return fingerprintSync(text);
  } catch {
    return null;
  }
}

/** The statement part of `PREPARE name [(types)] AS statement`: everything after the first AS outside parentheses. */
function preparedText(prepare: string): string {
  const bytes = utf8.encode(prepare);
  let depth = 0;
  try {
    for (const t of scanSync(prepare).tokens) {
      if (t.text === "(") depth++;
      else if (t.text === ")") depth--;
      else if (depth === 0 && t.text.toLowerCase() === "as") return fromUtf8.decode(bytes.subarray(t.end)).trim();
    }
  } catch {
    // fall through: the whole text stands for the statement
  }
  return prepare;
}
