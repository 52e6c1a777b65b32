import { fingerprintSync, loadModule, parseSync, scanSync } from "libpg-query";
import { collectFlags } from "./classify-flags";
import { collectRelations, type RelationRef } from "./collect-relations";
import { LruCache } from "./lru-cache";
import type { StatementFlag } from "./statement-flags";
import { kindOfNode, type StatementKind } from "./statement-kind";

/**
 * SQL classification with PostgreSQL's own parser (libpg-query, WASM). `loadClassifier()` once per
 * process, then `classifySql()` synchronously on the hot path; results are cached by statement text.
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
  /** PREPARE name AS ...: what a later EXECUTE name runs, and is judged as (prepared-statements.ts). */
  prepares?: { name: string; statement: ClassifiedStatement };
  /** EXECUTE name: the prepared statement it runs. */
  executes?: string;
  /** DEALLOCATE name; null for DEALLOCATE ALL and DISCARD ALL. */
  deallocates?: string | null;
};

export type SqlClassification =
  | { isParsed: true; statements: ClassifiedStatement[] }
  /** Not parsed (syntax error, or too large): policy treats it by its fail-closed rule. */
  | { isParsed: false; error: string; statements: ClassifiedStatement[] };

/** Texts above this size are not parsed; they count as unclassified. */
export const MAX_CLASSIFIED_SQL_BYTES = 1024 * 1024;
/** Only texts up to this size are cached: big ones are rarely repeated and would crowd the cache. */
const MAX_CACHED_SQL_CHARS = 16 * 1024;

let loading: Promise<void> | undefined;
let isLoaded = false;
const cache = new LruCache<string, SqlClassification>(2000);

export function loadClassifier(): Promise<void> {
  loading ??= loadModule().then(() => {
    isLoaded = true;
  });
  return loading;
}

type ParsedStmt = { stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number };

export function classifySql(sql: string, opts: { maxBytes?: number } = {}): SqlClassification {
  if (!isLoaded) throw new Error("classifySql called before loadClassifier() finished");
  const cached = sql.length <= MAX_CACHED_SQL_CHARS ? cache.get(sql) : undefined;
  if (cached) return cached;
  const result = classifyUncached(sql, opts.maxBytes ?? MAX_CLASSIFIED_SQL_BYTES);
  if (sql.length <= MAX_CACHED_SQL_CHARS) cache.set(sql, result);
  return result;
}

function unclassified(sql: string, error: string, flag: "unparsed" | "oversized"): SqlClassification {
  return { isParsed: false, error, statements: [{ sql, kind: "unknown", command: "unknown", relations: [], fingerprint: null, flags: [flag] }] };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function classifyUncached(sql: string, maxBytes: number): SqlClassification {
  const bytes = utf8.encode(sql);
  if (bytes.length > maxBytes) return unclassified(sql, `statement text of ${bytes.length} bytes is over the classifier's limit of ${maxBytes} bytes`, "oversized");
  let parsed: { stmts?: ParsedStmt[] };
  try {
    parsed = parseSync(sql) as { stmts?: ParsedStmt[] };
  } catch (err) {
    return unclassified(sql, (err as Error).message, "unparsed");
  }
  const stmts = parsed.stmts ?? [];
  const statements = stmts.map((s): ClassifiedStatement => {
    // Locations are byte offsets into the UTF-8 text; a length of 0 means "to the end".
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    const text = stmts.length === 1 ? sql.trim().replace(/;\s*$/, "") : fromUtf8.decode(bytes.subarray(start, end)).trim();
    return classifyNode(s.stmt ?? {}, text);
  });
  return { isParsed: true, statements };
}

function classifyNode(node: Record<string, unknown>, text: string): ClassifiedStatement {
  const command = Object.keys(node)[0] ?? "unknown";
  const body = (node[command] ?? {}) as Record<string, unknown>;
  const flags = collectFlags(node);
  let kind = kindOfNode(node);
  // A data-modifying CTE nested where PostgreSQL would refuse it still makes the statement a write.
  if (kind === "read" && flags.includes("write_in_cte")) kind = "write";
  const classified: ClassifiedStatement = { sql: text, kind, command, relations: collectRelations(node), fingerprint: fingerprintOf(text), flags };
  if (command === "PrepareStmt" && typeof body.name === "string" && body.query) {
    classified.prepares = { name: body.name, statement: classifyNode(body.query as Record<string, unknown>, preparedText(text)) };
  }
  if (command === "ExecuteStmt" && typeof body.name === "string") classified.executes = body.name;
  if (command === "DeallocateStmt") classified.deallocates = body.isall || typeof body.name !== "string" ? null : body.name;
  if (command === "DiscardStmt" && body.target === "DISCARD_ALL") classified.deallocates = null;
  return classified;
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
