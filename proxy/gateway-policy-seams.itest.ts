import { asc, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, statements } from "@/drizzle/schema";
import type { Decision, GatewayHooks, StatementContext } from "./hooks/gateway-hooks";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";

/** Hooks a test can change between cases; what policy and masking will plug in later. */
const seen: StatementContext[] = [];
let decide: (ctx: StatementContext) => Decision | Promise<Decision> = () => ({ action: "forward" });
const hooks: GatewayHooks = {
  decideStatement: (ctx) => {
    seen.push(ctx);
    return decide(ctx);
  },
  createRowFilter: ({ columns }) => {
    const emailAt = columns.findIndex((c) => c.name === "email");
    const brokenAt = columns.findIndex((c) => c.name === "unmaskable");
    if (emailAt < 0 && brokenAt < 0) return undefined;
    return {
      transformRow: (values) => {
        if (brokenAt >= 0) throw new Error("no masking rule for this value");
        const out = [...values];
        if (out[emailAt]) out[emailAt] = Buffer.from(out[emailAt]!.toString().replace(/^[^@]+/, "***"));
        return out;
      },
    };
  },
};

const blockDrops = (ctx: StatementContext): Decision =>
  ctx.classification.command === "DropStmt" || /delete/i.test(ctx.sql) ? { action: "block", sqlState: "42501", message: "blocked by test policy: no drops or deletes" } : { action: "forward" };

describe("gateway: policy and masking seams", () => {
  let fx: GatewayFixture;
  let admin: pg.Client;
  beforeAll(async () => {
    fx = await startGatewayFixture({ hooks });
    admin = new pg.Client({ connectionString: fx.targetAdminUrl });
    await admin.connect();
    await admin.query(`create table people (id int primary key, email text); insert into people values (1, 'ann@example.com'), (2, 'bob@example.com'); alter table people owner to ${fx.targetRole}`);
  });
  afterAll(async () => {
    await admin?.end();
    await fx?.close();
  });

  it("gives the decision hook the session, protocol, SQL, bound parameters and classification", async () => {
    seen.length = 0;
    const c = await fx.connect({ application_name: "seams-ctx" });
    await c.query("select id from people where id = $1", [2]);
    await c.end();
    const ctx = seen.find((s) => s.sql.startsWith("select id from people"))!;
    expect(ctx).toMatchObject({
      protocol: "extended",
      params: [{ format: "text", value: "2", typeOid: 0 }],
      classification: { kind: "read", command: "SelectStmt", relations: [{ schema: null, name: "people", access: "read" }] },
      session: { userName: fx.email, actorKind: "human", connection: { name: fx.connectionName }, applicationName: "seams-ctx" },
    });
  });

  it("blocks a statement in a simple query: the client gets the hook's error, earlier statements of the string roll back", async () => {
    decide = blockDrops;
    const c = await fx.connect({ application_name: "seams-block" });
    const err = await c.query("insert into people values (3, 'cy@example.com'); drop table people").catch((e) => e);
    expect(err).toMatchObject({ code: "42501", message: "blocked by test policy: no drops or deletes" });
    expect(err.where).toBeUndefined();
    expect((await admin.query("select count(*)::int as n from people")).rows[0].n).toBe(2);
    // The connection stays usable; inside a transaction the refusal aborts it, as a server error would.
    await c.query("begin");
    await expect(c.query("delete from people where id = $1", [1])).rejects.toMatchObject({ code: "42501" });
    await expect(c.query("select 1")).rejects.toMatchObject({ code: "25P02" });
    await c.query("rollback");
    expect((await c.query("select count(*)::int as n from people")).rows[0].n).toBe(2);
    await c.end();
    decide = () => ({ action: "forward" });

    const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "seams-block"));
    const rows = await eventually(async () => {
      const r = await fx.db.select().from(statements).where(eq(statements.sessionId, s.id)).orderBy(asc(statements.seq));
      return r.length === 7 && r.every((x) => x.status !== "running") ? r : undefined;
    });
    expect(rows.map((r) => [r.sql, r.decision, r.status, r.errorCode])).toEqual([
      ["insert into people values (3, 'cy@example.com')", "forward", "ok", null],
      ["drop table people", "block", "blocked", "42501"],
      ["begin", "forward", "ok", null],
      ["delete from people where id = $1", "block", "blocked", "42501"],
      ["select 1", "forward", "error", "25P02"],
      ["rollback", "forward", "ok", null],
      ["select count(*)::int as n from people", "forward", "ok", null],
    ]);
    expect(rows[3].params).toEqual([{ format: "text", value: "1", typeOid: 0 }]);
  });

  it("holds a statement: the client gets the hook's notice, then the result once the hold is released", async () => {
    let release!: (d: { action: "forward" }) => void;
    decide = (ctx) => (ctx.sql.includes("count") ? { action: "hold", notice: "waiting for approval request 42", outcome: new Promise((r) => (release = r)) } : { action: "forward" });
    const c = await fx.connect({ application_name: "seams-hold" });
    const notices: string[] = [];
    c.on("notice", (n) => notices.push(n.message ?? ""));
    const result = c.query("select count(*)::int as n from people");
    await eventually(async () => notices.includes("waiting for approval request 42"));
    release({ action: "forward" });
    expect((await result).rows).toEqual([{ n: 2 }]);
    await c.end();
    decide = () => ({ action: "forward" });
    const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "seams-hold"));
    const [row] = await eventually(async () => {
      const r = await fx.db.select().from(statements).where(eq(statements.sessionId, s.id));
      return r[0]?.status === "ok" ? r : undefined;
    });
    expect(row).toMatchObject({ decision: "hold", status: "ok" });
  });

  it("refuses the statement when the decision hook fails (fail closed)", async () => {
    decide = () => {
      throw new Error("policy store unavailable");
    };
    const c = await fx.connect();
    await expect(c.query("select 1")).rejects.toMatchObject({ code: "XX000", message: expect.stringMatching(/could not evaluate its policy/) });
    decide = () => ({ action: "forward" });
    expect((await c.query("select 2 as two")).rows).toEqual([{ two: 2 }]);
    await c.end();
  });

  it("lets the row hook rewrite values, for the client and the recording, in both protocols", async () => {
    const c = await fx.connect({ application_name: "seams-mask" });
    expect((await c.query("select id, email from people order by id")).rows).toEqual([
      { id: 1, email: "***@example.com" },
      { id: 2, email: "***@example.com" },
    ]);
    expect((await c.query("select email from people where id = $1", [2])).rows).toEqual([{ email: "***@example.com" }]);
    await c.end();
    const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "seams-mask"));
    const rows = await eventually(async () => {
      const r = await fx.db.select().from(statements).where(eq(statements.sessionId, s.id)).orderBy(asc(statements.seq));
      return r.length === 2 && r.every((x) => x.status === "ok") ? r : undefined;
    });
    expect(rows.map((r) => r.rows)).toEqual([
      [
        ["1", "***@example.com"],
        ["2", "***@example.com"],
      ],
      [["***@example.com"]],
    ]);
  });

  it("withholds a result whose rows the hook cannot rewrite, and the connection stays usable", async () => {
    const c = await fx.connect();
    await expect(c.query("select email as unmaskable from people")).rejects.toMatchObject({ code: "XX000", message: expect.stringMatching(/result withheld/) });
    await expect(c.query("select email as unmaskable from people where id = $1", [1])).rejects.toMatchObject({ code: "XX000" });
    expect((await c.query("select 3 as three")).rows).toEqual([{ three: 3 }]);
    await c.end();
  });
});
