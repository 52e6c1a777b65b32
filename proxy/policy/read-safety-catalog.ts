import type { ClassifiedStatement } from "@/lib/policy/classify-statement";
import { BUILTIN_FUNCTIONS_MAY_WRITE, BUILTIN_FUNCTIONS_NEVER_WRITING } from "@/lib/policy/builtin-catalog";
import type { GatewayHooks, SessionInfo, StatementContext } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import type { CatalogQueries } from "../masking/catalog-client";
import { isPlainInsertTarget, judgeReadSafety, READ_SAFETY_CATALOG_SQL, snapshotFromRows, type ReadSafetySnapshot } from "./read-safety-snapshot";

/**
 * Decides, synchronously on the hot path, whether a statement is a read that nothing can turn into
 * a write on its target, so strict recording may start it while its record commits (the relay
 * withholds its results until the record is durable). The parse tree's part is in the statement's
 * `readSafety` (lib/policy/read-safety.ts); the target's part comes from a snapshot of its catalog
 * (read-safety-snapshot.ts), read on a catalog connection of the gateway's own (masking's
 * CatalogClient) and cached per connection in this worker.
 *
 * Whenever the answer is not known for sure, it is "no": the statement waits for its record, as a
 * write does. That covers: no snapshot yet (the first statements of a connection start one loading),
 * a snapshot older than `maxAgeMs`, a snapshot dropped after a statement that may change the catalog
 * (DDL, DCL, admin, DO and CALL, unparsed text, a call of a volatile user function), a name the
 * snapshot does not know (it is reloaded, at most every `unknownNameRefreshMs`), and a session that
 * changed the catalog in a transaction it has not ended (other connections cannot see that change).
 *
 * What remains trusted: DDL made outside this worker (directly on the database, or through another
 * gateway worker) is seen only when the snapshot is reread, within `maxAgeMs`; and a function's
 * declared volatility (a STABLE function that calls a volatile one can still write, as PostgreSQL
 * itself allows).
 */
export type ReadSafetyCheck = {
  isSafeRead(session: SessionRef, statement: ClassifiedStatement): boolean;
  /** An INSERT that only adds rows to a table that runs no code on insert (lib/policy/plain-insert.ts), by the current snapshot. */
  isPlainInsert(session: SessionRef, statement: ClassifiedStatement): boolean;
  /** Whether a fresh enough snapshot of this connection's catalog is at hand. */
  isCatalogLoaded(connectionId: string): boolean;
  /** The same decision with its reason: null when safe (logs, metrics, tests). */
  whyNotSafeRead(session: SessionRef, statement: ClassifiedStatement): string | null;
  /** After each statement's outcome: drops what it may have made stale. */
  onStatementFinished(session: SessionRef, statement: ClassifiedStatement, parseError: string | null): void;
  /**
   * The server's ReadyForQuery status for a session ("I" idle, "T" in a transaction block, "E"
   * failed). Idle ends what the session changed in its transaction. Optional: without it, a session
   * that changed the catalog stays on the safe side until it ends a transaction with COMMIT/ROLLBACK.
   */
  onReadyForQuery(session: SessionRef, status: "I" | "T" | "E"): void;
  /** Loads the connection's snapshot if needed; resolves when it is usable (tests, warm-up). */
  ready(connectionId: string): Promise<void>;
  close(): Promise<void>;
};

/** Why a read is not known safe when the only reason is that the catalog is still loading. */
export const CATALOG_NOT_LOADED = "the target's catalog is not loaded yet";

/** The session a statement belongs to: the same object for the session's life (its per-session state is kept in a WeakMap). */
export type SessionRef = Pick<SessionInfo, "id"> & { connection: { id: string } };

export type ReadSafetyCheckDeps = {
  /** Opens a catalog connection to a connection's database (production: openCatalogClient). */
  openCatalog(connectionId: string): Promise<CatalogQueries>;
  log: Logger;
  /** How long a snapshot is trusted without a catalog change through this worker. */
  maxAgeMs?: number;
  /** A name the snapshot does not know rereads it, at most this often. */
  unknownNameRefreshMs?: number;
  /** After a failed load, the next one waits this long. */
  retryMs?: number;
  /** The catalog connection closes after this long unused. */
  idleMs?: number;
  now?: () => number;
};

type Target = {
  snapshot: ReadSafetySnapshot | null;
  /** When the snapshot's query was sent (what it shows is at least that fresh). */
  readAt: number;
  loading: Promise<void> | null;
  /** Bumped on every invalidation: a load that began before it is not used. */
  generation: number;
  lastFailureAt: number;
  client: CatalogQueries | null;
  idleTimer: NodeJS.Timeout | null;
};

/** Statement kinds that may change what the snapshot holds. */
const CATALOG_CHANGING_KINDS = new Set(["ddl", "dcl", "admin", "procedural", "unknown"]);

export function createReadSafetyCheck(deps: ReadSafetyCheckDeps): ReadSafetyCheck {
  const maxAgeMs = deps.maxAgeMs ?? 10_000;
  const unknownNameRefreshMs = deps.unknownNameRefreshMs ?? 1_000;
  const retryMs = deps.retryMs ?? 5_000;
  const idleMs = deps.idleMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const targets = new Map<string, Target>();
  /** Sessions that changed the catalog in a transaction not yet ended. */
  const dirtySessions = new WeakMap<SessionRef, true>();
  let isClosed = false;

  const targetFor = (connectionId: string): Target => {
    let t = targets.get(connectionId);
    if (!t) {
      t = { snapshot: null, readAt: 0, loading: null, generation: 0, lastFailureAt: -Infinity, client: null, idleTimer: null };
      targets.set(connectionId, t);
    }
    return t;
  };

  const load = (connectionId: string, t: Target): Promise<void> => {
    if (t.loading) return t.loading;
    const generation = t.generation;
    const startedAt = now();
    t.loading = query(connectionId, t)
      .then((rows) => {
        if (t.generation !== generation || isClosed) return;
        t.snapshot = snapshotFromRows(rows);
        t.readAt = startedAt;
      })
      .catch((err: Error) => {
        t.lastFailureAt = now();
        deps.log.warn("the read-safety catalog could not be read; reads wait for their records", { connectionId, error: err.message });
      })
      .finally(() => {
        t.loading = null;
        // Invalidated while loading: what was read may predate the change.
        if (t.generation !== generation && !isClosed) void load(connectionId, t);
      });
    return t.loading;
  };

  const query = async (connectionId: string, t: Target): Promise<(string | null)[][]> => {
    if (t.idleTimer) clearTimeout(t.idleTimer);
    try {
      if (!t.client || t.client.isClosed) t.client = await deps.openCatalog(connectionId);
      return await t.client.query(READ_SAFETY_CATALOG_SQL);
    } finally {
      t.idleTimer = setTimeout(() => {
        t.client?.close();
        t.client = null;
      }, idleMs);
      t.idleTimer.unref();
    }
  };

  /** Starts a load when the snapshot is missing, old, or (`wantsFresher`) may lack a new name. */
  const refreshIfDue = (connectionId: string, t: Target, wantsFresher: boolean) => {
    if (t.loading || isClosed) return;
    const at = now();
    if (at - t.lastFailureAt < retryMs) return;
    const age = at - t.readAt;
    // Reread a little before the snapshot expires, so a busy connection never goes without one.
    if (!t.snapshot || age > maxAgeMs * 0.8 || (wantsFresher && age > unknownNameRefreshMs)) void load(connectionId, t);
  };

  const invalidate = (connectionId: string) => {
    const t = targets.get(connectionId);
    if (!t) return;
    t.generation++;
    t.snapshot = null;
  };

  const whyNotSafeRead = (session: SessionRef, statement: ClassifiedStatement): string | null => {
    const read = statement.readSafety;
    if (!read) return "not analysed (not parsed)";
    if (!read.isCandidate) return read.reason ?? "not a plain read";
    if (isClosed) return "the check is closed";
    if (dirtySessions.has(session)) return "the session changed the catalog in a transaction it has not ended";
    const t = targetFor(session.connection.id);
    const snapshot = t.snapshot && now() - t.readAt <= maxAgeMs ? t.snapshot : null;
    if (!snapshot) {
      refreshIfDue(session.connection.id, t, false);
      return CATALOG_NOT_LOADED;
    }
    const verdict = judgeReadSafety(read, snapshot);
    refreshIfDue(session.connection.id, t, verdict?.isUnknownName ?? false);
    return verdict?.reason ?? null;
  };

  const isPlainInsert = (session: SessionRef, statement: ClassifiedStatement): boolean => {
    const target = statement.plainInsertTarget;
    if (!target || isClosed || dirtySessions.has(session)) return false;
    const t = targetFor(session.connection.id);
    const snapshot = t.snapshot && now() - t.readAt <= maxAgeMs ? t.snapshot : null;
    if (!snapshot) {
      refreshIfDue(session.connection.id, t, false);
      return false;
    }
    return isPlainInsertTarget(target, snapshot);
  };

  return {
    isSafeRead: (session, statement) => whyNotSafeRead(session, statement) === null,
    isPlainInsert,
    isCatalogLoaded: (connectionId) => {
      const t = targets.get(connectionId);
      return Boolean(t?.snapshot && now() - t.readAt <= maxAgeMs);
    },
    whyNotSafeRead,

    onStatementFinished(session, statement, parseError) {
      if (parseError !== null || CATALOG_CHANGING_KINDS.has(statement.kind) || callsUserVolatileFunction(statement, targets.get(session.connection.id)?.snapshot ?? null)) {
        invalidate(session.connection.id);
        // Until its transaction ends, the change is visible to this session only.
        dirtySessions.set(session, true);
        return;
      }
      if (statement.kind === "transaction" && endsTransaction(statement.sql) && dirtySessions.has(session)) {
        dirtySessions.delete(session);
        invalidate(session.connection.id);
      }
    },

    onReadyForQuery(session, status) {
      if (status !== "I" || !dirtySessions.has(session)) return;
      dirtySessions.delete(session);
      invalidate(session.connection.id);
    },

    ready(connectionId) {
      const t = targetFor(connectionId);
      if (t.snapshot && now() - t.readAt <= maxAgeMs * 0.8) return Promise.resolve();
      return load(connectionId, t);
    },

    async close() {
      isClosed = true;
      for (const t of targets.values()) {
        if (t.idleTimer) clearTimeout(t.idleTimer);
        t.client?.close();
      }
      targets.clear();
    },
  };
}

/**
 * Whether a statement called a function that may have changed the catalog: a volatile function
 * outside pg_catalog (or one the snapshot does not know). Built-ins do no DDL; non-volatile
 * functions cannot (PostgreSQL refuses it in them).
 */
function callsUserVolatileFunction(statement: ClassifiedStatement, snapshot: ReadSafetySnapshot | null): boolean {
  const functions = statement.readSafety?.functions ?? [];
  return functions.some((f) => {
    if (f.schema === "pg_catalog") return false;
    if (f.schema === null && BUILTIN_FUNCTIONS_NEVER_WRITING.has(f.name) && !snapshot?.functions.has(f.name)) return false;
    const v = f.schema === null ? snapshot?.functions.get(f.name) : snapshot?.qualifiedFunctions.get(`${f.schema}.${f.name}`);
    if (v === "s") return false;
    // Volatile, or not known: a volatile built-in (nextval, set_config) does no DDL, a user function may.
    return v === "v" || !isBuiltinName(f.name);
  });
}

function isBuiltinName(name: string): boolean {
  return BUILTIN_FUNCTIONS_NEVER_WRITING.has(name) || BUILTIN_FUNCTIONS_MAY_WRITE.has(name);
}

/** COMMIT, END, ROLLBACK, ABORT (not ROLLBACK TO a savepoint), PREPARE TRANSACTION. */
function endsTransaction(sql: string): boolean {
  const words = sql.trim().toLowerCase().split(/\s+/);
  if (words[0] === "prepare") return words[1] === "transaction";
  return ["commit", "end", "rollback", "abort"].includes(words[0]) && !words.includes("to");
}

/** The check as gateway hooks: `isSafeRead` and `onStatementFinished` take the relay's statement context. */
export function readSafetyHooks(check: ReadSafetyCheck): Required<Pick<GatewayHooks, "isSafeRead" | "isPlainInsert" | "onStatementFinished" | "close">> {
  return {
    isSafeRead: (ctx: StatementContext) => ctx.parseError === null && check.isSafeRead(ctx.session, ctx.classification),
    isPlainInsert: (ctx: StatementContext) => ctx.parseError === null && check.isPlainInsert(ctx.session, ctx.classification),
    onStatementFinished: (ctx: StatementContext) => check.onStatementFinished(ctx.session, ctx.classification, ctx.parseError),
    close: () => check.close(),
  };
}
