import { fingerprintSync, loadModule, parseSync } from "libpg-query";
import { collectRelations, type RelationRef } from "./collect-relations";
import { LruCache } from "./lru-cache";
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

function unclassified(sql: string, error: string): SqlClassification {
  return { isParsed: false, error, statements: [{ sql, kind: "unknown", command: "unknown", relations: [], fingerprint: null }] };
}

function classifyUncached(sql: string, maxBytes: number): SqlClassification {
  const bytes = Buffer.from(sql, "utf8");
  if (bytes.length > maxBytes) return unclassified(sql, `statement text of ${bytes.length} bytes is over the classifier's limit of ${maxBytes} bytes`);
  let parsed: { stmts?: ParsedStmt[] };
  try {
    parsed = parseSync(sql) as { stmts?: ParsedStmt[] };
  } catch (err) {
    return unclassified(sql, (err as Error).message);
  }
  const stmts = parsed.stmts ?? [];
  const statements = stmts.map((s): ClassifiedStatement => {
    // Locations are byte offsets into the UTF-8 text; a length of 0 means "to the end".
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    const text = stmts.length === 1 ? sql.trim().replace(/;\s*$/, "") : bytes.toString("utf8", start, end).trim();
    const node = s.stmt ?? {};
    let fingerprint: string | null = null;
    try {
      fingerprint = fingerprintSync(text);
    } catch {
      fingerprint = null;
    }
    return { sql: text, kind: kindOfNode(node), command: Object.keys(node)[0] ?? "unknown", relations: collectRelations(node), fingerprint };
  });
  return { isParsed: true, statements };
}
