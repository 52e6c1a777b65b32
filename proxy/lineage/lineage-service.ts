import { LineageCatalogSnapshot, loadLineageCatalogEntries, resolveLineage } from "@/lib/db/lineage-catalog";
import type { TargetCatalogQueries } from "@/lib/db/target-catalog";
import { analyzeLineage, unfollowed } from "@/lib/policy/lineage/analyze-lineage";
import type { StatementLineage } from "@/lib/policy/lineage/lineage-types";
import { LruCache } from "@/lib/policy/lru-cache";
import { shapeOfSql } from "@/lib/policy/statement-shape";
import type { StatementContext } from "../hooks/gateway-hooks";
import { ResolutionCatalog } from "./resolution-catalog";
import { sessionLineageOf, type SessionLineage } from "./session-lineage";

type Maybe<T> = T | Promise<T>;

/**
 * The masking catalog of a connection (proxy/masking/column-catalog.ts): its epoch changes whenever
 * it is cleared (DDL through the gateway, a policy change, its maximum age), and lineage's catalog
 * queries run on its connection.
 */
export type LineageCatalogAccess = {
  epoch(): number;
  query(sql: string, params?: readonly (string | null)[]): Promise<(string | null)[][]>;
};

export type LineageService = {
  /**
   * The lineage of what a statement runs (an EXECUTE: the prepared statement's text), with the
   * session's cursors and temporary tables applied. Synchronous when this statement shape was
   * analysed on the current catalog epoch; rejects when the catalog cannot be read (callers fail closed).
   */
  lineageOf(ctx: StatementContext): Maybe<StatementLineage>;
  /** What lineageOf last gave for this statement (judging asks first); undefined: never asked, or not yet answered. */
  knownLineageOf(ctx: StatementContext): StatementLineage | undefined;
  /** After a statement's outcome: CLOSE and DISCARD change what the session remembers. */
  onStatementFinished(ctx: StatementContext): void;
};

/** Analyses per connection and epoch: statement shapes are few, but texts that have no shape are many. */
const MAX_CACHED_SHAPES = 2_000;
/** Views over views need a load per level; then the statement is undetermined. */
const MAX_LOAD_ROUNDS = 8;

type ConnectionLineage = {
  epoch: number;
  snapshot: LineageCatalogSnapshot;
  results: LruCache<string, StatementLineage>;
  /** Analyses waiting for the catalog, so concurrent sessions running one shape load it once. */
  pending: Map<string, Promise<StatementLineage>>;
};

/**
 * Lineage in the gateway, one per worker, shared by masking (result columns' masks) and policy
 * enforcement (copies, inference, undetermined statements). Each connection's analyses are cached
 * by statement shape (`shapeOfSql`: literal values do not change lineage) for one epoch of its
 * masking catalog; statements that read a session's own temporary tables are cached per session.
 */
export function createLineageService(deps: { catalogFor(connectionId: string): LineageCatalogAccess }): LineageService {
  const connections = new Map<string, ConnectionLineage>();

  const connectionLineage = (connectionId: string): { state: ConnectionLineage; access: LineageCatalogAccess } => {
    const access = deps.catalogFor(connectionId);
    const epoch = access.epoch();
    let state = connections.get(connectionId);
    if (!state || state.epoch !== epoch) {
      state = { epoch, snapshot: new LineageCatalogSnapshot(), results: new LruCache(MAX_CACHED_SHAPES), pending: new Map() };
      connections.set(connectionId, state);
    }
    return { state, access };
  };

  const analyse = (ctx: StatementContext, session: SessionLineage): Maybe<StatementLineage> => {
    if (ctx.sqlDigest) return unfollowed("the statement is too large to analyse");
    const sql = ctx.classification.executedSql ?? ctx.sql;
    const { state, access } = connectionLineage(ctx.session.connection.id);
    const results = session.hasTemporaries ? session.resultsFor(state.epoch) : state.results;
    // A prepared text repeats as it is (its values are parameters): found by its text, the shape
    // (a lexer pass, some microseconds) is not worked out again. A text with no literal is its own
    // shape, so the two kinds of key cannot mean different statements.
    const isRepeated = ctx.protocol === "extended" || ctx.classification.executedSql !== undefined;
    if (isRepeated) {
      const same = results.get(sql);
      if (same !== undefined) return same;
    }
    const key = shapeOfSql(sql)?.key ?? sql;
    const hit = results.get(key);
    if (hit !== undefined) {
      if (isRepeated) results.set(sql, hit);
      return hit;
    }
    const pending = session.hasTemporaries ? undefined : state.pending.get(key);
    if (pending) return pending;

    const catalog = new ResolutionCatalog(state.snapshot, session.hasTemporaries ? session : null);
    const keep = (lineage: StatementLineage) => {
      // Names found nowhere may exist after a COMMIT: such an answer is not kept.
      if (!catalog.sawUnknown) {
        results.set(key, lineage);
        if (isRepeated) results.set(sql, lineage);
      }
      return lineage;
    };
    // The classifier (libpg-query) is loaded before any statement is classified.
    const first = analyzeLineage(sql, catalog);
    if (!first.missing) return keep(first.lineage);
    const loading = resolveMissing(sql, catalog, access).then(keep);
    if (!session.hasTemporaries) {
      state.pending.set(key, loading);
      void loading.then(
        () => state.pending.delete(key),
        () => state.pending.delete(key),
      );
    }
    return loading;
  };

  // Each statement's lineage as it was judged, for its server messages (masking-hooks.ts), without applying it to the session again.
  const known = new WeakMap<StatementContext, StatementLineage>();
  return {
    lineageOf(ctx) {
      const session = sessionLineageOf(ctx.session);
      const raw = analyse(ctx, session);
      const applied = (l: StatementLineage) => {
        const lineage = session.apply(l);
        known.set(ctx, lineage);
        return lineage;
      };
      return raw instanceof Promise ? raw.then(applied) : applied(raw);
    },
    knownLineageOf(ctx) {
      return known.get(ctx);
    },
    onStatementFinished(ctx) {
      const { command, sql } = ctx.classification;
      if (command === "ClosePortalStmt") sessionLineageOf(ctx.session).closeCursor(closedCursorOf(sql));
      else if (command === "DiscardStmt") {
        const what = /^\s*discard\s+(all|temp|temporary)\b/i.exec(sql)?.[1]?.toLowerCase();
        if (what) sessionLineageOf(ctx.session).discard(what === "all" ? "all" : "temp");
      }
    },
  };
}

/** Loads what the analysis is missing, on the masking catalog's connection, and runs it again until nothing is. */
function resolveMissing(sql: string, catalog: ResolutionCatalog, access: LineageCatalogAccess): Promise<StatementLineage> {
  const target: TargetCatalogQueries = { query: (q, params) => access.query(q, params), describe: () => Promise.reject(new Error("lineage does not describe")) };
  return resolveLineage(sql, catalog, (missing) => loadLineageCatalogEntries(target, missing), MAX_LOAD_ROUNDS);
}

/** CLOSE name / CLOSE ALL: the cursor's name as PostgreSQL folds it (null: all). */
function closedCursorOf(sql: string): string | null {
  const m = /^\s*close\s+(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))/i.exec(sql);
  if (!m) return null;
  if (m[1] !== undefined) return m[1].replaceAll('""', '"');
  return m[2]!.toLowerCase() === "all" ? null : m[2]!.toLowerCase();
}
