import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, asc, eq, like } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, statements } from "@/drizzle/schema";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { savePolicy } from "./approvals/testing/approval-fixtures";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { runTool } from "./testing/run-tool";

describe("gateway: psql and pgbench", () => {
  let fx: GatewayFixture;
  let dir: string;
  beforeAll(async () => {
    fx = await startGatewayFixture();
    // pgbench -i drops and truncates its tables: this connection's policy holds nothing for approval,
    // as a team would set up a scratch database (the guardrails still apply).
    await savePolicy(fx.db, fx.connectionId, { ...defaultPolicy(), approvals: [] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-clients-"));
  });
  afterAll(async () => {
    await fx?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const psql = (args: string[], input?: string) => runTool("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-At", fx.uri(), ...args], { input, env: { PGAPPNAME: "psql-test" } });

  it("psql -c runs statements, \\copy moves data both ways, and everything is recorded", async () => {
    const created = await psql(["-c", "create table people (id int, name text)"]);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    const csv = path.join(dir, "people.csv");
    fs.writeFileSync(csv, "1,Ann\n2,Bob\n3,Cy\n");
    const copyIn = await psql(["-c", `\\copy people from '${csv}' with (format csv)`]);
    expect(copyIn).toMatchObject({ code: 0, stdout: "COPY 3\n" });
    const out = path.join(dir, "out.csv");
    const copyOut = await psql(["-c", `\\copy (select * from people order by id) to '${out}' with (format csv)`]);
    expect(copyOut.code).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toBe("1,Ann\n2,Bob\n3,Cy\n");
    const select = await psql(["-c", "select name from people where id > 1 order by id"]);
    expect(select.stdout).toBe("Bob\nCy\n");
    const failed = await psql(["-c", "select * from nope"]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/relation "nope" does not exist/);

    const copies = await eventually(async () => {
      const rows = await fx.db
        .select({ sql: statements.sql, status: statements.status, rowCount: statements.rowCount, rows: statements.rows, kind: statements.kind })
        .from(statements)
        .where(like(statements.sql, "COPY%"))
        .orderBy(asc(statements.receivedAt));
      return rows.length === 2 && rows.every((r) => r.status === "ok") ? rows : undefined;
    });
    expect(copies[0]).toMatchObject({ sql: "COPY  people FROM STDIN with (format csv)", kind: "write", rowCount: 3 });
    expect(copies[1]).toMatchObject({ sql: "COPY  ( select * from people order by id ) TO STDOUT with (format csv)", kind: "read", rowCount: 3 });
    expect(copies[1].rows).toEqual([["1,Ann\n"], ["2,Bob\n"], ["3,Cy\n"]]);
    const psqlSessions = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "psql-test"));
    expect(psqlSessions.length).toBe(5);
  });

  it("pgbench -i initialises through the gateway; -S runs with the simple and the prepared protocol", async () => {
    const env = { PGAPPNAME: "pgbench-test" };
    const init = await runTool("pgbench", ["-i", "-s", "1", "-q", fx.uri()], { env, timeoutMs: 120_000 });
    expect(init.code, init.stderr).toBe(0);
    const target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    expect((await target.query("select count(*)::int as n from pgbench_accounts")).rows[0].n).toBe(100_000);
    await target.end();

    for (const mode of ["simple", "prepared"]) {
      const run = await runTool("pgbench", ["-S", "-M", mode, "-c", "2", "-t", "25", "-n", fx.uri()], { env: { PGAPPNAME: `pgbench-${mode}` } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/number of transactions actually processed: 50\/50/);
      const rows = await eventually(async () => {
        const r = await fx.db
          .select({ sql: statements.sql, protocol: statements.protocol, status: statements.status, params: statements.params })
          .from(statements)
          .innerJoin(sessions, eq(sessions.id, statements.sessionId))
          .where(and(eq(sessions.applicationName, `pgbench-${mode}`), like(statements.sql, "SELECT abalance%")));
        return r.length === 50 && r.every((s) => s.status === "ok") ? r : undefined;
      });
      if (mode === "prepared") {
        expect(rows.every((s) => s.protocol === "extended" && s.sql === "SELECT abalance FROM pgbench_accounts WHERE aid = $1;" && s.params?.length === 1)).toBe(true);
      } else {
        expect(rows.every((s) => s.protocol === "simple" && /WHERE aid = \d+$/.test(s.sql))).toBe(true);
      }
    }
  });
});
