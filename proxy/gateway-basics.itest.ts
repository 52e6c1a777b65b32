import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, statements } from "@/drizzle/schema";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";

describe("gateway: node-postgres through the gateway, strict recording", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(() => fx?.close());

  it("runs simple queries upstream as the catalog's role and records the session and each statement", async () => {
    const client = await fx.connect({ application_name: "basics-test" });
    const who = await client.query("select current_user as u, current_database() as d");
    expect(who.rows[0].u).toBe(fx.targetRole);
    await client.query("create table items (id int primary key, name text); insert into items values (1, 'one'), (2, 'two')");
    const r = await client.query("select id, name from items order by id");
    expect(r.rows).toEqual([
      { id: 1, name: "one" },
      { id: 2, name: "two" },
    ]);
    await expect(client.query("select * from missing_table")).rejects.toMatchObject({ code: "42P01" });
    await client.end();

    const [session] = await eventually(async () => {
      const rows = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "basics-test"));
      return rows[0]?.endedAt ? rows : undefined;
    });
    expect(session).toMatchObject({ userName: fx.email, actorKind: "human", authMethod: "token", connectionName: fx.connectionName, endReason: "client_terminated", errorCount: 1 });
    const recorded = await eventually(async () => {
      const rows = await fx.db.select().from(statements).where(eq(statements.sessionId, session.id)).orderBy(asc(statements.seq));
      return rows.length === 5 && rows.every((s) => s.status !== "running") ? rows : undefined;
    });
    expect(recorded.map((s) => [s.seq, s.sql, s.kind, s.status, s.commandTag])).toEqual([
      [1, "select current_user as u, current_database() as d", "read", "ok", "SELECT 1"],
      [2, "create table items (id int primary key, name text)", "ddl", "ok", "CREATE TABLE"],
      [3, "insert into items values (1, 'one'), (2, 'two')", "write", "ok", "INSERT 0 2"],
      [4, "select id, name from items order by id", "read", "ok", "SELECT 2"],
      [5, "select * from missing_table", "read", "error", null],
    ]);
    expect(recorded[3].columns?.map((c) => c.name)).toEqual(["id", "name"]);
    expect(recorded[3].rows).toEqual([
      ["1", "one"],
      ["2", "two"],
    ]);
    expect(recorded[2].rowCount).toBe(2);
    expect(recorded[4]).toMatchObject({ errorCode: "42P01", errorMessage: 'relation "missing_table" does not exist' });
  });
});
