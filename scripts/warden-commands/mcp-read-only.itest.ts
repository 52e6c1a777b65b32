import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { WRITING_KINDS } from "@/lib/policy/is-session-read-only";
import { policyDocumentSchema } from "@/lib/policy/policy-document";
import { savePolicy } from "@/proxy/approvals/testing/approval-fixtures";
import { startGatewayFixture, type GatewayFixture } from "@/proxy/testing/gateway-fixture";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Read-only MCP servers have been escaped with `COMMIT; ...` and with functions that write, called
 * from a SELECT. `warden mcp`, driven by the MCP SDK's own client, for an agent that the policy
 * makes read-only (a guardrail blocking every writing kind for agents): none of those escapes
 * changes the table, checked straight on PostgreSQL.
 */
describe("warden mcp on a read-only agent policy", () => {
  let fx: GatewayFixture;
  let target: pg.Client;
  let client: Client;
  let stderr = "";

  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (r: CallToolResult) => r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  const victims = async () => (await target.query("select count(*)::int as n from victims")).rows[0].n as number;

  beforeAll(async () => {
    fx = await startGatewayFixture({ selfSignedTls: true });
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    // As the database's owner wrote them, before any agent came: Warden sees `SELECT f()`, a read.
    await target.query(`create table victims (id int primary key, v text);
      create function warden_write(n int) returns int language plpgsql as $$ begin insert into victims values (n, 'written'); return n; end $$;
      create function warden_read_only_off() returns text language plpgsql as $$ begin perform set_config('default_transaction_read_only', 'off', false); return 'ok'; end $$;
      alter table victims owner to ${fx.targetRole}; alter function warden_write(int) owner to ${fx.targetRole}; alter function warden_read_only_off() owner to ${fx.targetRole}`);
    await savePolicy(
      fx.db,
      fx.connectionId,
      policyDocumentSchema.parse({
        ...defaultPolicy(),
        guardrails: [...defaultPolicy().guardrails, { id: "agents-read-only", name: "Agents only read", isEnabled: true, match: { actorKinds: ["agent"], kinds: [...WRITING_KINDS] }, message: "Agents only read on this connection." }],
      }),
    );
    const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "claude-code" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(root, "bin/warden.mjs"), "mcp", "--connection", fx.connectionName],
      env: {
        DATABASE_URL: fx.storeUrl,
        WARDEN_SECRET_KEY: fx.secretKey.toString("hex"),
        PUBLIC_URL: "https://warden.example.com",
        WARDEN_GATEWAY: `127.0.0.1:${fx.gateway.port}`,
        WARDEN_GATEWAY_CA: fx.gateway.tlsCertPath!,
        WARDEN_TOKEN: agentToken,
        HOME: process.env.HOME ?? "/tmp",
        PATH: process.env.PATH ?? "/usr/bin:/bin",
      },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: "itest-agent", version: "1.0.0" });
    await client.connect(transport).catch((err: Error) => {
      throw new Error(`${err.message}\nstderr: ${stderr}`);
    });
  });
  beforeEach(async () => {
    await target.query("truncate victims; insert into victims values (1, 'a'), (2, 'b'), (3, 'c')");
  });
  afterAll(async () => {
    await client?.close().catch(() => {});
    await target?.end();
    await fx?.close();
  });

  it("says the connection is read-only for this agent", async () => {
    const r = await call("list_connections", {});
    expect(r.structuredContent).toMatchObject({ connections: [{ name: fx.connectionName, isReadOnly: true }] });
  });

  it("query: `COMMIT; INSERT …` and `COMMIT; SET default_transaction_read_only=off; INSERT …` fail; the table is unchanged", async () => {
    for (const sql of ["COMMIT; INSERT INTO victims VALUES (10, 'x')", "COMMIT; SET default_transaction_read_only = off; INSERT INTO victims VALUES (11, 'x')", "ROLLBACK; BEGIN READ WRITE; DELETE FROM victims"]) {
      const r = await call("query", { sql });
      expect(r.isError, `${sql}: ${text(r)}`).toBe(true);
    }
    expect(await victims()).toBe(3);
  });

  it("query and execute: a writing function called from SELECT fails on the server with 25006; the table is unchanged", async () => {
    for (const tool of ["query", "execute"]) {
      const r = await call(tool, { sql: "select warden_write(20)" });
      expect(r.isError, text(r)).toBe(true);
      expect(text(r)).toMatch(/^ERROR 25006: cannot execute INSERT in a read-only transaction/);
      const withParams = await call(tool, { sql: "select warden_write($1::int)", params: [21] });
      expect(text(withParams)).toMatch(/^ERROR 25006/);
    }
    expect(await victims()).toBe(3);
  });

  it("execute: turning read-only mode off is refused, one statement at a time too", async () => {
    for (const sql of ["set default_transaction_read_only = off", "set session characteristics as transaction read write", "select set_config('default_transaction_read_only', 'off', false)"]) {
      const r = await call("execute", { sql });
      expect(text(r), sql).toMatch(/^ERROR 25006: This session is read-only through Warden/);
    }
    const insert = await call("execute", { sql: "insert into victims values (30, 'x')" });
    expect(insert.isError).toBe(true);
    expect(await victims()).toBe(3);
    const shown = await call("query", { sql: "show default_transaction_read_only" });
    expect((shown.structuredContent as { rows: unknown[][] }).rows).toEqual([["on"]]);
  });

  it("a function that turns read-only mode off ends the gateway session; the next call gets a new read-only one, and the write still fails", async () => {
    const off = await call("query", { sql: "select warden_read_only_off()" });
    expect(off.isError, text(off)).toBe(true);
    expect(text(off)).toMatch(/25006/);
    // The MCP server learns that its gateway session ended when it next uses it (08006), then opens another.
    let r = await call("query", { sql: "select warden_write(40)" });
    if (text(r).startsWith("ERROR 08006")) r = await call("query", { sql: "select warden_write(41)" });
    expect(text(r)).toMatch(/^ERROR 25006/);
    expect(await victims()).toBe(3);
  });
});
