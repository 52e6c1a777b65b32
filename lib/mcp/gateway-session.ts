import pg from "pg";
import type { GatewayAddress } from "./mcp-options";
import { readRowCapNotice } from "@/lib/shared/row-cap-notice";

/**
 * One gateway session of an MCP session: a node-postgres client signed in to the Warden gateway as
 * the token's user, over TLS (the gateway's certificate verified), with the connection's name as the
 * database. Everything the tools run goes through it; there is no other path to the database.
 */

export type GatewaySignIn = {
  gateway: GatewayAddress;
  userName: string;
  token: string;
  connectionName: string;
  applicationName: string;
};

export type ResultColumn = { name: string; dataTypeId: number };

/** What a statement returned, cut at the caps: `rows` are arrays in column order. */
export type StatementResult = {
  command: string;
  rowCount: number | null;
  columns: ResultColumn[];
  rows: unknown[][];
  /** Rows the server sent in all; more than rows.length when the caps cut the result. */
  totalRows: number;
  isTruncated: boolean;
};

export type Caps = { maxRows: number; maxBytes: number };

/** A statement the gateway held for approval: the request it named, and the statement's eventual end. */
export type HeldStatement = { requestId: string; notice: string; outcome: Promise<StatementResult> };

export type RunOutcome = { kind: "done"; result: StatementResult } | { kind: "held"; held: HeldStatement };

/** An ErrorResponse from the gateway (a guardrail, the server, a rejected approval), with its SQLSTATE. */
export type GatewayError = { sqlState: string; message: string; detail?: string; hint?: string };

/**
 * The gateway's hold notice (proxy/approvals/hold-statement.ts holdNotice). The gateway writes its
 * own notices without the content detectors, so the request id arrives as written; should it ever
 * arrive otherwise, it is passed on as it came rather than the call waiting for the decision.
 */
const APPROVAL_NOTICE = /holding this statement for approval request (\S+) \(/;

/**
 * Values as text, except the few types a model reads better as JSON numbers and booleans. Masked
 * values are text whatever the column's type, so nothing else is parsed (and nothing is lost).
 */
const TYPE_PARSERS = {
  getTypeParser(oid: number) {
    switch (oid) {
      case 16: // bool
        return (v: string) => v === "t";
      case 21: // int2
      case 23: // int4
      case 26: // oid
      case 700: // float4
      case 701: // float8
        return (v: string) => (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) ? Number(v) : v);
      default:
        return (v: string) => v;
    }
  },
} as unknown as pg.CustomTypesConfig;

export class GatewaySession {
  private readonly client: pg.Client;
  private isOpen = false;
  private hasEnded = false;
  /** Set when the gateway or the network ended the session: the next tool call opens another. */
  endReason: string | null = null;
  private noticeListener: ((message: string) => void) | null = null;
  /** The statement running now, told of the gateway's row-cap notice (it comes before the completion, held or not). */
  private rowCapListener: ((message: string) => void) | null = null;

  private constructor(signIn: GatewaySignIn) {
    const { gateway } = signIn;
    this.client = new pg.Client({
      host: gateway.host,
      port: gateway.port,
      user: signIn.userName,
      password: signIn.token,
      database: signIn.connectionName,
      application_name: signIn.applicationName,
      ssl: { ca: gateway.ca, rejectUnauthorized: gateway.rejectUnauthorized ?? true, servername: gateway.servername ?? (isIpAddress(gateway.host) ? undefined : gateway.host) },
      types: TYPE_PARSERS,
      connectionTimeoutMillis: 10_000,
    });
    this.client.on("error", (err) => {
      this.endReason = err.message;
    });
    this.client.on("end", () => {
      this.hasEnded = true;
      this.endReason ??= "the gateway closed the session";
    });
    this.client.on("notice", (n) => {
      this.noticeListener?.(n.message ?? "");
      this.rowCapListener?.(n.message ?? "");
    });
  }

  static async open(signIn: GatewaySignIn): Promise<GatewaySession> {
    const session = new GatewaySession(signIn);
    await session.client.connect();
    session.isOpen = true;
    return session;
  }

  get isUsable(): boolean {
    return this.isOpen && !this.hasEnded && this.endReason === null;
  }

  /**
   * Runs one statement: with parameters in the extended protocol, without them as a simple Query, as
   * psql sends it (the gateway then answers a guardrail's block with the guardrail's own message,
   * where in the extended protocol the server may refuse the Bind first). Callers send one statement
   * per call (the tools check). Resolves "held" as soon as the gateway's notice names an approval
   * request; the statement keeps waiting on this session, and `outcome` settles when it ends.
   * Rejects with a GatewayError for an ErrorResponse.
   */
  run(sql: string, params: unknown[], caps: Caps): Promise<RunOutcome> {
    const result: StatementResult = { command: "", rowCount: null, columns: [], rows: [], totalRows: 0, isTruncated: false };
    let bytes = 0;
    const config: pg.QueryConfig = params.length > 0 ? ({ text: sql, values: params, rowMode: "array", queryMode: "extended" } as pg.QueryConfig) : ({ text: sql, rowMode: "array" } as pg.QueryConfig);
    const query = new pg.Query(config);
    const done = new Promise<StatementResult>((resolve, reject) => {
      query.on("row", (row: unknown[], r?: { fields?: pg.FieldDef[] }) => {
        if (result.columns.length === 0 && r?.fields) result.columns = r.fields.map((f) => ({ name: f.name, dataTypeId: f.dataTypeID }));
        result.totalRows++;
        if (result.isTruncated) return;
        const size = Buffer.byteLength(JSON.stringify(row));
        if (result.rows.length >= caps.maxRows || bytes + size > caps.maxBytes) {
          result.isTruncated = true;
          return;
        }
        bytes += size;
        result.rows.push(row);
      });
      query.on("end", (r: pg.QueryResult) => {
        result.command = r.command ?? "";
        result.rowCount = r.rowCount ?? null;
        if (result.columns.length === 0 && r.fields) result.columns = r.fields.map((f) => ({ name: f.name, dataTypeId: f.dataTypeID }));
        resolve(result);
      });
      query.on("error", (err: Error) => reject(toGatewayError(err)));
    });
    // The gateway cut the result at the agent row cap: fewer rows came than there were, and the notice says how many.
    const onRowCap = (message: string) => {
      const cut = readRowCapNotice(message);
      if (!cut) return;
      result.isTruncated = true;
      if (cut.total !== null) result.totalRows = Math.max(result.totalRows, cut.total);
    };
    this.rowCapListener = onRowCap;
    void done
      .finally(() => {
        if (this.rowCapListener === onRowCap) this.rowCapListener = null;
      })
      .catch(() => {});
    // node-postgres only emits a query's events once it is submitted.
    void this.client.query(query as unknown as pg.Submittable);
    return new Promise<RunOutcome>((resolve, reject) => {
      this.noticeListener = (message) => {
        const id = APPROVAL_NOTICE.exec(message)?.[1];
        if (id) resolve({ kind: "held", held: { requestId: id, notice: message, outcome: done } });
      };
      done.then(
        (r) => resolve({ kind: "done", result: r }),
        (err) => reject(err),
      );
    }).finally(() => {
      this.noticeListener = null;
    });
  }

  async close(): Promise<void> {
    if (this.hasEnded) return;
    this.hasEnded = true;
    await this.client.end().catch(() => {});
  }
}

export function toGatewayError(err: unknown): GatewayError {
  const e = err as pg.DatabaseError & { code?: string };
  if (typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
    return { sqlState: e.code, message: e.message, detail: e.detail || undefined, hint: e.hint || undefined };
  }
  // Not an ErrorResponse: the network, TLS, a timeout. 08006 is what libpq reports for a lost connection.
  return { sqlState: "08006", message: (e as Error)?.message ?? String(err) };
}

export function isGatewayError(err: unknown): err is GatewayError {
  return typeof err === "object" && err !== null && typeof (err as GatewayError).sqlState === "string" && typeof (err as GatewayError).message === "string";
}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}
