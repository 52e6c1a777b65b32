import { eq } from "drizzle-orm";
import { serialize } from "pg-protocol";
import type { DatabaseError, RowDescriptionMessage } from "pg-protocol/dist/messages";
import { connections } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { DescribedField, TargetCatalogQueries } from "@/lib/db/target-catalog";
import { decodeBackendFrame, decodeDataRow } from "../protocol/backend-decoders";
import { BackendCode } from "../protocol/message-codes";
import { connectUpstream, type UpstreamConnection } from "../upstream/connect-upstream";
import { upstreamTargetOf } from "../upstream/upstream-target";

/** `query` runs catalog SQL (simple protocol, text results); `describe` is Parse and Describe only: the statement is never executed. */
export type CatalogQueries = TargetCatalogQueries & {
  close(): void;
  readonly isClosed: boolean;
};

/** The catalog server refused a request (SQLSTATE and message kept for the log). */
export class CatalogError extends Error {
  override name = "CatalogError";
  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

type Pending = {
  rows: (string | null)[][];
  fields: DescribedField[];
  error: CatalogError | null;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
};

/**
 * A small connection of the gateway's own to a connection's database, for masking's catalog lookups
 * (which table and column a result column comes from). Never the session's connection: that one is
 * in the middle of the client's protocol exchange. Signs in like the session does (the stored
 * credential, the connection's sslmode), read-only, with short lock and statement timeouts, since a
 * Describe can wait on a lock the client itself holds. One request at a time.
 */
export class CatalogClient implements CatalogQueries {
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | null = null;
  isClosed = false;

  private constructor(
    private readonly upstream: UpstreamConnection,
    private readonly timeoutMs: number,
  ) {
    const { socket, reader } = upstream;
    socket.on("data", (chunk: Buffer) => {
      try {
        reader.push(chunk, (code, frame) => this.onFrame(code, frame));
      } catch (err) {
        this.fail(err as Error);
      }
    });
    socket.on("close", () => this.fail(new Error("the catalog connection closed")));
    socket.on("error", () => {});
    for (const f of upstream.early) this.onFrame(f.code, f.frame);
    socket.resume();
  }

  static async open(target: Parameters<typeof connectUpstream>[0], opts: { timeoutMs: number }): Promise<CatalogClient> {
    const upstream = await connectUpstream(
      target,
      {
        application_name: "warden-masking-catalog",
        client_encoding: "UTF8",
        default_transaction_read_only: "on",
        lock_timeout: "2s",
        statement_timeout: "10s",
      },
      { timeoutMs: opts.timeoutMs, maxMessageBytes: 64 * 1024 * 1024 },
    );
    return new CatalogClient(upstream, opts.timeoutMs);
  }

  /**
   * With `params`, the extended protocol (unnamed statement, text parameters, text results): a
   * value from outside (a relation name from a client's statement) is never spliced into SQL, so no
   * server setting (standard_conforming_strings, backslash_quote) changes how it is read.
   * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
   */
  query(sql: string, params?: readonly (string | null)[]): Promise<(string | null)[][]> {
    if (params === undefined) return this.request([serialize.query(sql)]).then((p) => p.rows);
    return this.request([
      serialize.parse({ text: sql }),
      serialize.bind({ values: [...params] }),
      serialize.describe({ type: "P" }),
      serialize.execute(),
      serialize.sync(),
    ]).then((p) => p.rows);
  }

  describe(sql: string): Promise<DescribedField[]> {
    return this.request([serialize.parse({ text: sql }), serialize.describe({ type: "S" }), serialize.sync()]).then((p) => p.fields);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const { socket } = this.upstream;
    if (!socket.destroyed) socket.end(serialize.end());
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private request(messages: Buffer[]): Promise<Pending> {
    const run = () =>
      new Promise<Pending>((resolve, reject) => {
        if (this.isClosed) return reject(new Error("the catalog connection is closed"));
        const p: Pending = {
          rows: [],
          fields: [],
          error: null,
          resolve: () => (p.error ? reject(p.error) : resolve(p)),
          reject,
          timer: setTimeout(() => this.fail(new Error(`the catalog query took longer than ${this.timeoutMs} ms`)), this.timeoutMs),
        };
        this.pending = p;
        for (const m of messages) this.upstream.socket.write(m);
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  /** https://www.postgresql.org/docs/current/protocol-flow.html */
  private onFrame(code: number, frame: Buffer): void {
    const p = this.pending;
    if (!p) return;
    switch (code) {
      case BackendCode.DataRow:
        p.rows.push(decodeDataRow(frame).map((v) => (v === null ? null : v.toString("utf8"))));
        return;
      case BackendCode.RowDescription:
        p.fields = decodeBackendFrame<RowDescriptionMessage>(frame).fields.map((f) => ({ name: f.name, tableOid: f.tableID, columnNumber: f.columnID, typeOid: f.dataTypeID }));
        return;
      case BackendCode.ErrorResponse: {
        const e = decodeBackendFrame<DatabaseError>(frame);
        p.error ??= new CatalogError(e.code ?? "XX000", e.message);
        return;
      }
      case BackendCode.ReadyForQuery:
        clearTimeout(p.timer);
        this.pending = null;
        p.resolve();
        return;
    }
  }

  private fail(err: Error): void {
    this.isClosed = true;
    this.upstream.socket.destroy();
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}

/** Opens a catalog connection for a catalog entry, with its stored (encrypted) credential. */
export async function openCatalogClient(db: Db, secretKey: Buffer, connectionId: string, timeoutMs: number): Promise<CatalogClient> {
  const [c] = await db.select().from(connections).where(eq(connections.id, connectionId));
  if (!c) throw new Error(`connection ${connectionId} is not in the catalog`);
  return CatalogClient.open(upstreamTargetOf(secretKey, c), { timeoutMs });
}
