import { and, asc, desc, eq } from "drizzle-orm";
import pg from "pg";
import { serialize } from "pg-protocol";
import { approvalRequests, sessions, statements, users, type ApprovalRequest, type Session, type Statement } from "@/drizzle/schema";
import { startGatewayFixture, type GatewayFixture } from "./gateway-fixture";
import { commandTagOf, RawClient, sqlStateOf, types, type RawMessage } from "./raw-client";

/**
 * What the statement-state and teardown tests look at from outside the gateway: the store's
 * session and statement records, the approval requests a held statement opens, and the target's
 * own view of the gateway's upstream sessions (pg_stat_activity).
 */

/** A reviewer who may decide on the default policy's approval requests. */
export const REVIEWER = { email: "rita@example.com", groups: ["reviewer"] };

/** A gateway, a superuser connection to its target database, a human's token and an agent's. */
export type ProbeFixture = {
  fx: GatewayFixture;
  /** Superuser connection to the target database: sets up tables, looks at effects directly. */
  target: pg.Client;
  /** Token of a human developer (default policy: only destructive statements are held). */
  humanToken: string;
  /** Token of an agent (default policy: every write and DDL is held for a reviewer). */
  agentToken: string;
  /** Signs in with the raw protocol client under an application name the records can be found by. */
  open(applicationName: string, token?: string): Promise<RawClient>;
  close(): Promise<void>;
};

export async function startProbeFixture(deps: Parameters<typeof startGatewayFixture>[0] = {}): Promise<ProbeFixture> {
  const fx = await startGatewayFixture(deps);
  await fx.db.insert(users).values(REVIEWER).onConflictDoNothing();
  const target = new pg.Client({ connectionString: fx.targetAdminUrl });
  await target.connect();
  target.on("error", () => {});
  const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "hostile-agent" });
  const clients: RawClient[] = [];
  return {
    fx,
    target,
    humanToken: fx.token,
    agentToken,
    async open(applicationName, token = fx.token) {
      const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, token, undefined, { application_name: applicationName });
      if (startup.at(-1)?.type !== "Z") throw new Error(`sign-in failed: ${types(startup)} ${String(startup.at(-1)?.decoded?.message ?? "")}`);
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await target.end().catch(() => {});
      await fx.close();
    },
  };
}

/** Creates (or recreates) a table owned by the gateway's target role, with rows 1..n. */
export async function createOwnedTable(p: ProbeFixture, name: string, rows = 3): Promise<void> {
  await p.target.query(`drop table if exists ${name}; create table ${name} (id int primary key, v text); insert into ${name} select g, 'row ' || g from generate_series(1, ${rows}) g; alter table ${name} owner to ${p.fx.targetRole}`);
}

/**
 * Ends every backend of the gateway's target role, so one test's leftovers (a failing gateway that
 * kept a departed client's session and its locks) cannot block the next test's setup.
 */
export async function terminateLeftovers(p: ProbeFixture): Promise<void> {
  await p.target.query("select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and pid <> pg_backend_pid()", [p.fx.targetRole]);
}

export async function countRows(p: ProbeFixture, table: string): Promise<number> {
  return Number((await p.target.query(`select count(*)::int as n from ${table}`)).rows[0].n);
}

/** The session recorded under this application name (the newest, when there are several). */
export async function sessionRecord(fx: GatewayFixture, applicationName: string): Promise<Session | undefined> {
  const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, applicationName)).orderBy(desc(sessions.startedAt)).limit(1);
  return s;
}

/** The statements recorded for that session, in order. */
export async function statementRecords(fx: GatewayFixture, applicationName: string): Promise<Statement[]> {
  const s = await sessionRecord(fx, applicationName);
  if (!s) return [];
  return fx.db.select().from(statements).where(eq(statements.sessionId, s.id)).orderBy(asc(statements.seq));
}

/** Waits until `count` statements are recorded for the session and none is still `running`. */
export async function settledStatements(
  fx: GatewayFixture,
  applicationName: string,
  count: number,
  timeoutMs = 10_000,
  /** A status that is not final here (a portal's suspension is written before its last fetch's outcome). */
  pending: readonly string[] = ["running"],
): Promise<Statement[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: Statement[] = [];
  for (;;) {
    rows = await statementRecords(fx, applicationName);
    if (rows.length >= count && rows.every((r) => !pending.includes(r.status))) return rows;
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} settled statements for ${applicationName}, got ${rows.length}: ${JSON.stringify(rows.map((r) => [r.seq, r.sql.slice(0, 80), r.status]))}`);
    }
    await sleep(50);
  }
}

/** The upstream backends the gateway holds for a client with this application name. */
export async function upstreamBackends(target: pg.Client, applicationName: string): Promise<{ pid: number; state: string | null; waitEvent: string | null }[]> {
  const r = await target.query("select pid, state, wait_event from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()", [applicationName]);
  return r.rows.map((x) => ({ pid: x.pid, state: x.state, waitEvent: x.wait_event }));
}

/**
 * Polls until the target has no backend left for this application name. The guarantee is about a
 * second; the deadline leaves room for a loaded machine, and the test only says "within the deadline".
 */
export async function expectUpstreamGone(target: pg.Client, applicationName: string, deadlineMs = 3_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const left = await upstreamBackends(target, applicationName);
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`the upstream session of ${applicationName} is still open ${deadlineMs} ms after the client left: ${JSON.stringify(left)}`);
    }
    await sleep(50);
  }
}

/** Waits until the session's record has ended (with a reason) and none of its statements is still `running`. */
export async function endedSession(fx: GatewayFixture, applicationName: string, timeoutMs = 5_000): Promise<{ session: Session; statements: Statement[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const session = await sessionRecord(fx, applicationName);
    const rows = session ? await statementRecords(fx, applicationName) : [];
    if (session?.endedAt && session.endReason && rows.every((r) => r.status !== "running")) return { session, statements: rows };
    if (Date.now() > deadline) {
      throw new Error(
        `the record of ${applicationName} did not end within ${timeoutMs} ms: session ${JSON.stringify(session && { endedAt: session.endedAt, endReason: session.endReason })}, statements ${JSON.stringify(rows.map((r) => [r.seq, r.sql.slice(0, 80), r.status]))}`,
      );
    }
    await sleep(100);
  }
}

/** A CommandComplete whose tag starts with `verb` among the client's messages (a write that ran). */
export function ranTag(messages: readonly RawMessage[], verb: string): string | undefined {
  return messages.map(commandTagOf).find((t) => t?.startsWith(verb));
}

/**
 * Waits for the gateway to hold the statement of the client signed in as `applicationName`, with SQL
 * matching `sql`. Fails at once, and says so, when the client receives a CommandComplete of `verb`
 * instead (the write ran without being judged) or an ErrorResponse (it was refused, not held).
 */
export async function awaitHold(p: ProbeFixture, client: RawClient, applicationName: string, sql: RegExp, verb = "DELETE", timeoutMs = 10_000): Promise<ApprovalRequest> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ran = ranTag(client.peek(), verb);
    if (ran) throw new Error(`the ${verb} ran without being held for approval: the client received "${ran}" (messages ${types(client.peek())})`);
    const rows = await p.fx.db.select().from(approvalRequests).where(and(eq(approvalRequests.status, "pending"), eq(approvalRequests.applicationName, applicationName))).orderBy(desc(approvalRequests.createdAt));
    const request = rows.find((r) => sql.test(r.sql));
    if (request) return request;
    const error = client.peek().find((m) => m.type === "E");
    if (error) throw new Error(`expected a hold, the client got an error instead: ${sqlStateOf(error)} ${String(error.decoded?.message)} (messages ${types(client.peek())})`);
    if (Date.now() > deadline) {
      throw new Error(`no approval request for ${sql} within ${timeoutMs} ms (client got ${types(client.peek())}; held instead: ${rows.map((r) => r.sql).join(" | ") || "nothing"})`);
    }
    await sleep(50);
  }
}

/** Messages up to the next ReadyForQuery, without NoticeResponse and ParameterStatus (a hold sends a notice). */
export async function untilReady(client: RawClient, timeoutMs = 10_000): Promise<RawMessage[]> {
  return (await client.until((m) => m.type === "Z", timeoutMs)).filter((m) => m.type !== "N" && m.type !== "S");
}

/** Sends a simple query and returns its answer (without notices), up to ReadyForQuery. */
export async function simpleQuery(client: RawClient, sql: string): Promise<RawMessage[]> {
  client.send(serialize.query(sql));
  return untilReady(client);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
