import type { Logger } from "../log";
import type { CatalogQueries } from "../masking/catalog-client";

/**
 * A function of a connection's database, as its pg_proc row says. The protocol's FunctionCall names
 * a function only by OID: the gateway judges the call by the real row's schema and name, never by
 * anything the client says, so a function called lo_open in another schema is that function, not
 * pg_catalog's.
 */
export type TargetFunction = {
  oid: number;
  schema: string;
  name: string;
  /** pg_proc.proargtypes: what the fast path must pass, in order. */
  argTypes: number[];
  returnType: number;
  /** pg_proc.prokind: f function, p procedure, a aggregate, w window. */
  kind: string;
  returnsSet: boolean;
};

export type FunctionResolver = {
  /** The function with this OID on the connection's database, or null when it has none. Synchronous when cached. */
  describe(connectionId: string, oid: number): TargetFunction | null | Promise<TargetFunction | null>;
  /** A statement may have renamed, moved or dropped functions: the connection's cache is reread. */
  forget(connectionId: string): void;
  close(): void;
};

export type FunctionResolverDeps = {
  /** Opens a catalog connection to a connection's database (production: masking's openCatalogClient). */
  openCatalog(connectionId: string): Promise<CatalogQueries>;
  log: Logger;
  /** How long a resolved OID is trusted without a catalog change through this worker. */
  maxAgeMs?: number;
  /** The catalog connection closes after this long unused. */
  idleMs?: number;
  now?: () => number;
};

type Target = {
  readAt: number;
  byOid: Map<number, TargetFunction | Promise<TargetFunction | null>>;
  client: Promise<CatalogQueries> | null;
  idleTimer: NodeJS.Timeout | null;
};

/**
 * Resolves function OIDs on each connection's database, on a catalog connection of the gateway's
 * own (read-only, short timeouts; never the session's connection, which is in the middle of the
 * client's exchange), cached per connection in this worker. An OID with no function is not cached:
 * the next call asks again. A function the client created in a transaction it has not committed is
 * not visible there, so a fast-path call of it is refused as unknown (fail closed).
 */
export function createFunctionResolver(deps: FunctionResolverDeps): FunctionResolver {
  const maxAgeMs = deps.maxAgeMs ?? 60_000;
  const idleMs = deps.idleMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const targets = new Map<string, Target>();
  let isClosed = false;

  const targetFor = (connectionId: string): Target => {
    let t = targets.get(connectionId);
    if (!t) {
      t = { readAt: now(), byOid: new Map(), client: null, idleTimer: null };
      targets.set(connectionId, t);
    } else if (now() - t.readAt > maxAgeMs) {
      t.byOid = new Map();
      t.readAt = now();
    }
    return t;
  };

  const closeClient = (t: Target) => {
    if (t.idleTimer) clearTimeout(t.idleTimer);
    t.idleTimer = null;
    const client = t.client;
    t.client = null;
    void client?.then((c) => c.close(), () => {});
  };

  const lookUp = async (connectionId: string, t: Target, oid: number): Promise<TargetFunction | null> => {
    if (t.idleTimer) clearTimeout(t.idleTimer);
    t.client ??= deps.openCatalog(connectionId);
    const opened = t.client;
    let rows: (string | null)[][];
    try {
      const client = await opened;
      if (client.isClosed) throw new Error("the catalog connection is closed");
      rows = await client.query(FUNCTION_SQL, [String(oid >>> 0)]);
    } catch (err) {
      // The next lookup opens a new connection.
      if (t.client === opened) closeClient(t);
      throw err;
    }
    if (t.client === opened && !isClosed) {
      t.idleTimer = setTimeout(() => closeClient(t), idleMs);
      t.idleTimer.unref();
    }
    return rows.length === 0 ? null : functionFromRow(oid, rows[0]);
  };

  return {
    describe(connectionId, oid) {
      if (isClosed) return Promise.reject(new Error("the function resolver is closed"));
      const t = targetFor(connectionId);
      const hit = t.byOid.get(oid);
      if (hit) return hit;
      const loading = lookUp(connectionId, t, oid).then(
        (fn) => {
          if (fn && t.byOid.get(oid) === loading) t.byOid.set(oid, fn);
          else if (t.byOid.get(oid) === loading) t.byOid.delete(oid);
          return fn;
        },
        (err: Error) => {
          if (t.byOid.get(oid) === loading) t.byOid.delete(oid);
          deps.log.warn("a function OID could not be resolved on the target", { connectionId, oid, error: err.message });
          throw err;
        },
      );
      t.byOid.set(oid, loading);
      return loading;
    },
    forget(connectionId) {
      const t = targets.get(connectionId);
      if (!t) return;
      t.byOid = new Map();
      t.readAt = now();
    },
    close() {
      isClosed = true;
      for (const t of targets.values()) closeClient(t);
      targets.clear();
    },
  };
}

/** `oid` is an unsigned 32-bit integer decoded from the message, never client text. */
const FUNCTION_SQL = `select n.nspname, p.proname, p.proargtypes::text, p.prorettype::text, p.prokind, p.proretset
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where p.oid = $1::pg_catalog.oid`;

function functionFromRow(oid: number, row: (string | null)[]): TargetFunction {
  const [schema, name, argTypes, returnType, kind, returnsSet] = row;
  return {
    oid,
    schema: schema ?? "",
    name: name ?? "",
    argTypes: argTypes ? argTypes.split(" ").filter(Boolean).map(Number) : [],
    returnType: Number(returnType),
    kind: kind ?? "",
    returnsSet: returnsSet === "t",
  };
}
