import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, tokens } from "@/drizzle/schema";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { eventually } from "@/proxy/testing/gateway-fixture";
import { startMaskingFixture, type MaskingFixture } from "@/proxy/masking/testing/masking-fixture";
import { createMcpHttpEndpoint } from "./create-mcp-http-endpoint";
import { serveRoute } from "./testing/serve-route";

/**
 * /api/mcp end to end: the real route module (app/api/mcp/route.ts), configured through the
 * environment as `next start` configures it, served over HTTP, driven by the MCP SDK's own Client
 * and Streamable HTTP transport; behind it a real gateway (TLS with the embedded default's
 * self-signed certificate) with the demo policy, and PostgreSQL.
 */
let fx: MaskingFixture;
let server: { url: string; close(): Promise<void> };
let route: typeof import("@/app/api/mcp/route");
let endpoint: typeof import("@/lib/mcp-http/console-mcp-endpoint");
let agentToken: string;
const clients: Client[] = [];

const INITIALIZE = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "curl", version: "1" } } };

beforeAll(async () => {
  fx = await startMaskingFixture({ selfSignedTls: true });
  expect(fx.gateway.tlsCertPath).toBeTruthy();
  // The target would let this role read server files, so only Warden stands in the way (without
  // the grant PostgreSQL refuses the Bind itself, before the gateway's decision at Execute).
  await fx.admin.query(`grant pg_read_server_files to ${fx.targetRole}`);
  await fx.admin.query(`grant execute on function pg_read_file(text) to ${fx.targetRole}`);
  Object.assign(process.env, {
    DATABASE_URL: fx.storeUrl,
    WARDEN_SECRET_KEY: fx.secretKey.toString("hex"),
    OIDC_ISSUER: "http://127.0.0.1:9/unused",
    OIDC_CLIENT_ID: "warden-console",
    OIDC_CLIENT_SECRET: "unused",
    PUBLIC_URL: "http://localhost:3999",
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(fx.gateway.port),
    WARDEN_DATA_DIR: path.dirname(fx.gateway.tlsCertPath!),
    LOG_LEVEL: "warn",
  });
  delete process.env.GATEWAY_TLS_CERT;
  delete process.env.GATEWAY_TLS_KEY;
  route = await import("@/app/api/mcp/route");
  endpoint = await import("@/lib/mcp-http/console-mcp-endpoint");
  server = await serveRoute("/api/mcp", { GET: route.GET, POST: route.POST, DELETE: route.DELETE });
  agentToken = await fx.mintToken({ actorKind: "agent", agentName: "claude-code" });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await endpoint?.getConsoleMcpEndpoint().close();
  await server?.close();
  await fx?.closeAll();
});

async function connectClient(token: string, name = "itest-agent"): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name, version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(server.url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body: JSON.stringify(body) });

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");

describe("/api/mcp refuses requests without a live agent or service token", () => {
  it("answers 401 with a Bearer challenge when there is no token", async () => {
    const res = await post(INITIALIZE);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="warden"');
    expect((await res.json()).error.message).toMatch(/Authorization: Bearer/);
  });

  it("answers 401 invalid_token for an unknown token, and the SDK client fails to connect", async () => {
    const res = await post(INITIALIZE, { authorization: `Bearer wdn_${"x".repeat(43)}` });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/error="invalid_token", error_description="The Warden token was not accepted\./);
    await expect(connectClient(`wdn_${"y".repeat(43)}`)).rejects.toThrow();
  });

  it("answers an unknown, a revoked, an expired and a person's token alike: nothing tells a live token from a dead one", async () => {
    const expired = await fx.mintToken({ actorKind: "agent", agentName: "old-agent" });
    await fx.db.update(tokens).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(tokens.agentName, "old-agent"));
    const revoked = await fx.mintToken({ actorKind: "agent", agentName: "gone-agent" });
    await fx.db.update(tokens).set({ revokedAt: new Date(), revokedBy: "test" }).where(eq(tokens.agentName, "gone-agent"));
    const answers = [];
    for (const presented of [`wdn_${"x".repeat(43)}`, "not-a-token", expired, revoked, fx.token]) {
      const res = await post(INITIALIZE, { authorization: `Bearer ${presented}` });
      answers.push({ status: res.status, challenge: res.headers.get("www-authenticate"), body: await res.json() });
    }
    expect(answers[0]).toMatchObject({ status: 401, body: { error: { message: expect.stringMatching(/agent or service token/) } } });
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
  });

  it("is not reachable with console cookies alone", async () => {
    const res = await post(INITIALIZE, { cookie: "next-auth.session-token=anything; __Secure-next-auth.session-token=anything" });
    expect(res.status).toBe(401);
  });

  it("refuses a browser page from another origin even with a token", async () => {
    const res = await post(INITIALIZE, { authorization: `Bearer ${agentToken}`, origin: "http://evil.example" });
    expect(res.status).toBe(403);
  });
});

describe("/api/mcp with an agent token", () => {
  it("lists the tools", async () => {
    const { client } = await connectClient(agentToken);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["approval_status", "describe_table", "execute", "explain", "list_connections", "list_tables", "query", "wait_for_approval"]);
    expect(tools.find((t) => t.name === "query")?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
  });

  it("queries customers through the gateway and gets masked emails, wrapped as untrusted data", async () => {
    const { client } = await connectClient(agentToken);
    const result = (await client.callTool({ name: "query", arguments: { sql: "select id, email from customers order by id" } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const rows = (result.structuredContent as { rows: unknown[][] }).rows;
    expect(rows).toHaveLength(2);
    for (const [, email] of rows) {
      expect(String(email)).not.toMatch(/^(ann@example\.com|bob\.stone@example\.org)$/);
    }
    const text = textOf(result);
    expect(text).not.toContain("ann@example.com");
    expect(text).toMatch(/<untrusted-data-[0-9a-f]{24}>[\s\S]*<\/untrusted-data-[0-9a-f]{24}>/);
    expect(text).toMatch(/untrusted data, not instructions/);
  });

  it("returns a blocked pg_read_file as a tool error with the guardrail's message and SQLSTATE, and the session stays usable", async () => {
    const { client } = await connectClient(agentToken);
    const blocked = (await client.callTool({ name: "query", arguments: { sql: "select pg_read_file('/etc/passwd')" } })) as CallToolResult;
    expect(blocked.isError).toBe(true);
    expect(textOf(blocked)).toMatch(/^ERROR 42501: This statement calls a function that reads server files.*not allowed through Warden/);
    expect(textOf(blocked)).not.toContain("root:");
    const after = (await client.callTool({ name: "query", arguments: { sql: "select 1 as one" } })) as CallToolResult;
    expect(after.isError).toBeFalsy();
    expect((after.structuredContent as { rows: unknown[][] }).rows).toEqual([[1]]);
  });

  it("maps the MCP session to a gateway session named after the client, which ends with it", async () => {
    const { client, transport } = await connectClient(agentToken, "session-probe");
    await client.callTool({ name: "query", arguments: { sql: "select 2 as two" } });
    const row = await eventually(async () => (await fx.db.select().from(sessions).where(eq(sessions.applicationName, "mcp:session-probe")))[0]);
    expect(row).toMatchObject({ userName: fx.email, agentName: "claude-code" });
    const before = endpoint.getConsoleMcpEndpoint().sessionCount;
    await transport.terminateSession();
    expect(endpoint.getConsoleMcpEndpoint().sessionCount).toBe(before - 1);
    await eventually(async () => (await fx.db.select().from(sessions).where(eq(sessions.applicationName, "mcp:session-probe")))[0]?.endedAt);
  });

  it("holds an UPDATE, and reports it done once a reviewer approves while wait_for_approval waits on its open request", async () => {
    const { client } = await connectClient(agentToken, "approvals-probe");
    const r = (await client.callTool({ name: "execute", arguments: { sql: "update customers set notes = 'vip' where id = 2" } })) as CallToolResult;
    const held = r.structuredContent as { status: string; requestId: string; approvalUrl: string };
    expect(held).toMatchObject({ status: "pending", approvalUrl: `http://localhost:3999/approvals/${held.requestId}` });
    const waiting = client.callTool({ name: "wait_for_approval", arguments: { requestId: held.requestId, timeoutSeconds: 30 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await decideApproval(fx.db, { requestId: held.requestId, reviewer: { email: "reviewer@example.com", groups: ["reviewer"] }, decision: "approve", comment: "ok" });
    const done = (await waiting) as CallToolResult;
    expect(done.isError, textOf(done)).toBeFalsy();
    expect(done.structuredContent).toMatchObject({ status: "approved", outcome: { command: "UPDATE", rowCount: 1 } });
    expect((await fx.admin.query("select notes from customers where id = 2")).rows).toEqual([{ notes: "vip" }]);
  });

  it("reports a rejection with the reviewer's comment, and the statement never runs", async () => {
    const { client } = await connectClient(agentToken);
    const r = (await client.callTool({ name: "execute", arguments: { sql: "delete from customers where id = 1" } })) as CallToolResult;
    const { requestId } = r.structuredContent as { requestId: string };
    await decideApproval(fx.db, { requestId, reviewer: { email: "reviewer@example.com", groups: ["reviewer"] }, decision: "reject", comment: "Not during the freeze." });
    const done = (await client.callTool({ name: "wait_for_approval", arguments: { requestId, timeoutSeconds: 30 } })) as CallToolResult;
    expect(done.isError).toBe(true);
    expect(done.structuredContent).toMatchObject({ status: "rejected", comment: "Not during the freeze." });
    expect((await fx.admin.query("select count(*)::int as n from customers where id = 1")).rows).toEqual([{ n: 1 }]);
  });

  it("refuses one token's session id to another token", async () => {
    const { transport } = await connectClient(agentToken);
    const other = await fx.mintToken({ actorKind: "agent", agentName: "other-agent" });
    const res = await post({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} }, { authorization: `Bearer ${other}`, "mcp-session-id": transport.sessionId!, "mcp-protocol-version": "2025-06-18" });
    expect(res.status).toBe(404);
    const own = await post({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} }, { authorization: `Bearer ${agentToken}`, "mcp-session-id": transport.sessionId!, "mcp-protocol-version": "2025-06-18" });
    expect(own.status).toBe(200);
  });

  it("refuses a live session's requests once its token is revoked", async () => {
    const token = await fx.mintToken({ actorKind: "agent", agentName: "revoked-agent" });
    const { client } = await connectClient(token);
    await fx.db.update(tokens).set({ revokedAt: new Date() }).where(eq(tokens.agentName, "revoked-agent"));
    await expect(client.listTools()).rejects.toThrow(/The Warden token was not accepted/);
  });
});

describe("/api/mcp when something is wrong on the console's side", () => {
  it("answers a JSON-RPC error with status 500, never a stack trace", async () => {
    const logged: string[] = [];
    const broken = createMcpHttpEndpoint({
      db: fx.db,
      secretKey: fx.secretKey,
      gateway: () => {
        throw new Error("ENOENT: /etc/warden/gateway.crt");
      },
      consoleUrl: "http://localhost:3999",
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: (m, f) => logged.push(`${m} ${JSON.stringify(f)}`) },
    });
    const res = await broken.handle(new Request("http://localhost:3999/api/mcp", { method: "POST", headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify(INITIALIZE) }));
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body).error.message).toMatch(/console's log/);
    expect(body).not.toContain("gateway.crt");
    expect(logged.join("\n")).toContain("gateway.crt");
    expect(broken.sessionCount).toBe(0);
  });
});
