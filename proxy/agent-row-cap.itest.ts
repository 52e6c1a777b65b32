import { asc, eq } from "drizzle-orm";
import type pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, statements } from "@/drizzle/schema";
import { defaultPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { collectNotices, savePolicy } from "./approvals/testing/approval-fixtures";
import { copyQuery } from "./testing/copy-query";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { commandTagOf, RawClient, rowOf, types } from "./testing/raw-client";
import { runTool } from "./testing/run-tool";

/**
 * access.agentRowCap through real clients: an agent's result stops at the cap (simple and extended
 * protocol, several statements in one Query, a portal read in batches, COPY TO STDOUT), the client
 * hears why in a NoticeResponse before the completion, whose count is the rows it got, and the
 * recording keeps the server's total. People are not capped.
 */

const CAP = 5;
const capNotice = (total: number) => `Warden: result cut at ${CAP} rows by the connection's agent row cap (${total} rows in all)`;

function policy(): PolicyDocument {
  // No approvals: an agent's INSERT … RETURNING runs at once.
  return { ...defaultPolicy(), approvals: [], access: { isReadOnly: false, agentRowCap: CAP } };
}

describe("access.agentRowCap", () => {
  let fx: GatewayFixture;
  let agentToken: string;
  let agentSeq = 0;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await savePolicy(fx.db, fx.connectionId, policy());
    agentToken = await fx.mintToken({ actorKind: "agent", agentName: "row-cap-agent" });
    const admin = await fx.connect();
    await admin.query("create table items (n int)");
    await admin.end();
  });
  afterAll(async () => {
    await fx?.close();
  });

  /** An agent's session; its application name finds its records. */
  const agent = async () => {
    const applicationName = `agent-${++agentSeq}`;
    const client = await fx.connect({ password: agentToken, application_name: applicationName });
    return { client, applicationName, notices: collectNotices(client) };
  };

  const recorded = async (applicationName: string, count: number) =>
    eventually(async () => {
      const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, applicationName));
      if (!s) return undefined;
      const rows = await fx.db.select().from(statements).where(eq(statements.sessionId, s.id)).orderBy(asc(statements.seq));
      return rows.length >= count && rows.slice(0, count).every((r) => r.status !== "running") ? rows : undefined;
    });

  it("cuts a simple query's result at the cap: a notice, then SELECT with the rows sent; the recording keeps the total", async () => {
    const { client, applicationName, notices } = await agent();
    const r = await client.query("select g from generate_series(1, 40) g");
    expect(r.rows.map((x) => x.g)).toEqual([1, 2, 3, 4, 5]);
    expect(r.rowCount).toBe(CAP);
    expect(notices.messages).toEqual([capNotice(40)]);
    // Exactly the cap: nothing cut, nothing said.
    const exact = await client.query(`select g from generate_series(1, ${CAP}) g`);
    expect(exact.rowCount).toBe(CAP);
    expect(notices.messages).toHaveLength(1);
    await client.end();
    const [cut, whole] = await recorded(applicationName, 2);
    expect(cut).toMatchObject({ status: "ok", commandTag: "SELECT 5", rowCount: 5, resultRowCount: 40, rowsTruncated: true });
    expect(cut.rows).toEqual([["1"], ["2"], ["3"], ["4"], ["5"]]);
    expect(whole).toMatchObject({ commandTag: "SELECT 5", resultRowCount: 5, rowsTruncated: false });
  });

  it("caps each statement of one Query string on its own", async () => {
    const { client, notices } = await agent();
    const results = (await client.query("select g from generate_series(1, 8) g; select 'x' as a; select g from generate_series(1, 12) g")) as unknown as pg.QueryResult[];
    expect(results.map((r) => r.rows.length)).toEqual([5, 1, 5]);
    expect(results.map((r) => r.rowCount)).toEqual([5, 1, 5]);
    expect(notices.messages).toEqual([capNotice(8), capNotice(12)]);
    await client.end();
  });

  it("caps the extended protocol (node-postgres with parameters)", async () => {
    const { client, notices } = await agent();
    const r = await client.query({ text: "select g from generate_series(1, $1::int) g", values: [30] });
    expect(r.rows).toHaveLength(CAP);
    expect(r.rowCount).toBe(CAP);
    expect(notices.messages).toEqual([capNotice(30)]);
    await client.end();
  });

  it("caps a portal's total across Executes with a row limit, telling the client once; later batches are empty", async () => {
    const applicationName = `agent-raw-${++agentSeq}`;
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, agentToken, undefined, { application_name: applicationName });
    client.send(
      serialize.parse({ text: "select g from generate_series(1, 9) g" }),
      serialize.bind({}),
      serialize.execute({ rows: 3 }),
      serialize.execute({ rows: 3 }),
      serialize.execute({ rows: 3 }),
      serialize.execute({ rows: 3 }),
      serialize.sync(),
    );
    const ms = await client.until((m) => m.type === "Z");
    client.close();
    // 3 rows, suspended; 2 rows (the cap), the notice, suspended; nothing, suspended; nothing, SELECT 5.
    expect(types(ms)).toBe("12DDDsDDNssCZ");
    expect(ms.filter((m) => m.type === "D").map((m) => rowOf(m)[0])).toEqual(["1", "2", "3", "4", "5"]);
    expect(ms.find((m) => m.type === "N")?.decoded?.message).toBe(`Warden: result cut at ${CAP} rows by the connection's agent row cap (more rows were not sent)`);
    expect(commandTagOf(ms.find((m) => m.type === "C"))).toBe("SELECT 5");
    const [run] = await recorded(applicationName, 1);
    expect(run).toMatchObject({ status: "ok", commandTag: "SELECT 5", resultRowCount: 9, rowsTruncated: true });
  });

  it("keeps a DML tag's count (rows changed) while cutting the rows RETURNING sends back", async () => {
    const { client, notices } = await agent();
    const r = await client.query("insert into items select g from generate_series(1, 20) g returning n");
    expect(r.rows).toHaveLength(CAP);
    expect(r.command).toBe("INSERT");
    expect(r.rowCount).toBe(20);
    expect(notices.messages).toEqual([capNotice(20)]);
    await client.end();
    const admin = await fx.connect();
    expect((await admin.query("select count(*)::int as n from items")).rows[0].n).toBe(20);
    await admin.end();
  });

  it("caps each FETCH from a cursor, its tag counting the rows sent; MOVE returns no rows and is left alone", async () => {
    const { client, notices } = await agent();
    await client.query("begin");
    await client.query("declare c cursor for select g from generate_series(1, 30) g");
    const fetched = await client.query("fetch 10 from c");
    expect(fetched.rows.map((r) => r.g)).toEqual([1, 2, 3, 4, 5]);
    expect(fetched.command).toBe("FETCH");
    expect(fetched.rowCount).toBe(5);
    const moved = await client.query("move 10 in c");
    expect(moved.rowCount).toBe(10);
    expect((await client.query("fetch 2 from c")).rows.map((r) => r.g)).toEqual([21, 22]);
    await client.query("commit");
    expect(notices.messages).toEqual([capNotice(10)]);
    await client.end();
  });

  it("caps COPY TO STDOUT: data rows past the cap are not sent, the CSV header and the binary trailer are", async () => {
    const { client, notices } = await agent();
    const csv = await copyQuery(client, "copy (select g from generate_series(1, 30) g) to stdout with (format csv, header)");
    expect(Buffer.concat(csv.chunks).toString()).toBe("g\n1\n2\n3\n4\n5\n");
    expect(csv.tag).toBe("COPY 5");
    const binary = await copyQuery(client, "copy (select g from generate_series(1, 30) g) to stdout with (format binary)");
    const data = Buffer.concat(binary.chunks);
    expect(binary.tag).toBe("COPY 5");
    expect(data.subarray(-2)).toEqual(Buffer.from([0xff, 0xff]));
    // Signature and header (19 bytes), then 5 rows of one int4 (2 + 4 + 4 bytes each), then the trailer.
    expect(data.length).toBe(19 + 5 * 10 + 2);
    expect(notices.messages).toEqual([capNotice(30), capNotice(30)]);
    await client.end();
  });

  it("does not cap people", async () => {
    const human = await fx.connect();
    const notices = collectNotices(human);
    const r = await human.query("select g from generate_series(1, 40) g");
    expect(r.rowCount).toBe(40);
    expect(notices.messages).toEqual([]);
    await human.end();
  });

  it("psql shows the notice and the rows it got", async () => {
    const out = await runTool("psql", [fx.uri({ token: agentToken }), "-X", "-c", "select g from generate_series(1, 50) g"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(`NOTICE:  ${capNotice(50)}`);
    expect(out.stdout).toContain("(5 rows)");
  });
});
