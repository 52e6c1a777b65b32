import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditEvents, eventSinks } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { isWebhookSignatureValid } from "@/lib/outbox/webhook-signature";
import { createTestStore } from "@/tests/test-database";

/**
 * The real route modules under app/api/sinks, called as Next calls them (a Request and a params
 * promise), against a real store. The one stand-in is next-auth's session lookup, which needs Next's
 * request scope: it answers with the user each test signs in as, so the role checks are the routes' own.
 */
let signedIn: { email: string; name: string; groups: string[]; roles: string[] } | null = null;
vi.mock("next-auth", () => ({ getServerSession: async () => (signedIn ? { user: signedIn } : null) }));

const as = (role: "admin" | "reviewer" | "auditor" | "developer" | null) => {
  signedIn = role && { email: `${role}@example.com`, name: role, groups: [role], roles: [role] };
};

let db: Db;
let list: typeof import("@/app/api/sinks/route");
let one: typeof import("@/app/api/sinks/[id]/route");
let enabled: typeof import("@/app/api/sinks/[id]/enabled/route");
let retry: typeof import("@/app/api/sinks/[id]/retry/route");
let test: typeof import("@/app/api/sinks/test/route");

beforeAll(async () => {
  const storeUrl = await createTestStore();
  db = createDb(storeUrl);
  Object.assign(process.env, {
    DATABASE_URL: storeUrl,
    WARDEN_SECRET_KEY: randomBytes(32).toString("hex"),
    OIDC_ISSUER: "http://127.0.0.1:9/unused",
    OIDC_CLIENT_ID: "warden-console",
    OIDC_CLIENT_SECRET: "unused",
    PUBLIC_URL: "http://localhost:3999",
    LOG_LEVEL: "warn",
  });
  list = await import("@/app/api/sinks/route");
  one = await import("@/app/api/sinks/[id]/route");
  enabled = await import("@/app/api/sinks/[id]/enabled/route");
  retry = await import("@/app/api/sinks/[id]/retry/route");
  test = await import("@/app/api/sinks/test/route");
});
afterAll(async () => {
  await db.$client.end();
  const { getDb } = await import("@/lib/server/db");
  await getDb().$client.end();
});

const SECRET = `route-secret-${randomBytes(8).toString("hex")}`;
const request = (method: string, body?: unknown) =>
  new Request("http://localhost:3999/api/sinks", { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const ctx = <P extends Record<string, string>>(params: P = {} as P) => ({ params: Promise.resolve(params) });
const draft = (over: Record<string, unknown> = {}) => ({ kind: "webhook", name: `hook-${randomBytes(3).toString("hex")}`, url: "https://siem.example.com/in", secret: SECRET, ...over });

describe("/api/sinks role checks", () => {
  it("answers 401 without a session", async () => {
    as(null);
    expect((await list.GET(request("GET"), ctx())).status).toBe(401);
    expect((await list.POST(request("POST", draft()), ctx())).status).toBe(401);
  });

  it.each(["developer", "reviewer", "auditor"] as const)("answers 403 to a %s on every method, and writes nothing", async (role) => {
    as("admin");
    const created = await (await list.POST(request("POST", draft()), ctx())).json();
    const eventsBefore = await db.$count(auditEvents);
    as(role);
    const id = { id: created.id };
    const responses = await Promise.all([
      list.GET(request("GET"), ctx()),
      list.POST(request("POST", draft()), ctx()),
      one.GET(request("GET"), ctx(id)),
      one.PATCH(request("PATCH", draft({ name: created.name })), ctx(id)),
      one.DELETE(request("DELETE"), ctx(id)),
      enabled.PUT(request("PUT", { isEnabled: false }), ctx(id)),
      retry.POST(request("POST"), ctx(id)),
      test.POST(request("POST", { id: created.id, kind: "webhook", url: "https://siem.example.com/in" }), ctx()),
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(403));
    expect(await responses[0].json()).toEqual({ error: expect.stringContaining("admin") });
    expect(await db.$count(auditEvents)).toBe(eventsBefore);
    expect((await db.select().from(eventSinks).where(eq(eventSinks.id, created.id)))[0]).toMatchObject({ isEnabled: true, name: created.name });
  });
});

describe("/api/sinks as an admin", () => {
  it("creates, lists, edits and deletes a sink; no response carries the secret", async () => {
    as("admin");
    const bodies: string[] = [];
    const read = async (res: Response) => {
      const text = await res.text();
      bodies.push(text);
      return text ? JSON.parse(text) : null;
    };
    const bad = await list.POST(request("POST", draft({ url: "http://siem.example.com/in", eventTypes: ["Bad Type"] })), ctx());
    expect(bad.status).toBe(400);
    expect((await read(bad)).fieldErrors).toMatchObject({ url: expect.stringContaining("https"), eventTypes: expect.any(String) });

    const createdRes = await list.POST(request("POST", draft({ eventTypes: ["approval.*"] })), ctx());
    expect(createdRes.status).toBe(201);
    const created = await read(createdRes);
    expect(created).toMatchObject({ hasSecret: true, eventTypes: ["approval.*"], source: "console" });

    const listed = await read(await list.GET(request("GET"), ctx()));
    expect(listed.map((s: { id: string }) => s.id)).toContain(created.id);

    const { secret: _, ...keepSecret } = draft({ name: created.name, maxAttempts: 2 });
    const patched = await one.PATCH(request("PATCH", keepSecret), ctx({ id: created.id }));
    expect(patched.status).toBe(200);
    expect(await read(patched)).toMatchObject({ maxAttempts: 2, hasSecret: true });

    const off = await enabled.PUT(request("PUT", { isEnabled: false }), ctx({ id: created.id }));
    expect(await read(off)).toMatchObject({ isEnabled: false });

    expect((await retry.POST(request("POST"), ctx({ id: created.id }))).status).toBe(409);
    expect((await one.DELETE(request("DELETE"), ctx({ id: created.id }))).status).toBe(204);
    expect((await one.GET(request("GET"), ctx({ id: created.id }))).status).toBe(404);

    const [row] = await db.select().from(auditEvents).where(eq(auditEvents.targetId, created.id)).limit(1);
    expect(row.actor).toBe("admin@example.com");
    for (const body of bodies) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain("secretCiphertext");
    }
  });

  it("sends a signed test event to a real receiver, for a draft and for the saved sink, and audits both", async () => {
    as("admin");
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const draftRes = await test.POST(request("POST", { kind: "webhook", url, secret: SECRET }), ctx());
      expect(draftRes.status).toBe(200);
      expect(await draftRes.json()).toMatchObject({ isDelivered: true, status: 204 });

      const created = await (await list.POST(request("POST", draft({ url })), ctx())).json();
      const savedRes = await test.POST(request("POST", { id: created.id, kind: "webhook", url }), ctx());
      const saved = await savedRes.json();
      expect(saved).toMatchObject({ isDelivered: true, status: 204 });
      expect(JSON.stringify(saved)).not.toContain(SECRET);

      expect(received).toHaveLength(2);
      for (const r of received) {
        expect(isWebhookSignatureValid(SECRET, r.headers["warden-signature"] as string, r.headers["warden-timestamp"] as string, r.body)).toBe(true);
        expect(JSON.parse(r.body).events[0]).toMatchObject({ seq: 0, isTest: true, event: { action: "warden.sink.test" } });
      }
      expect(received[0].headers).toEqual(expect.objectContaining({ "content-type": expect.stringContaining("json") }));

      const tests = await db.select().from(auditEvents).where(eq(auditEvents.action, "event_sink.test"));
      expect(tests.length).toBeGreaterThanOrEqual(2);
      expect(tests.find((e) => e.targetId === created.id)).toMatchObject({ actor: "admin@example.com", details: expect.objectContaining({ isDelivered: true, status: 204 }) });
      expect(JSON.stringify(tests)).not.toContain(SECRET);

      const refused = await test.POST(request("POST", { kind: "webhook", url: "http://127.0.0.1:9/closed" }), ctx());
      expect(refused.status).toBe(400);
      expect((await refused.json()).fieldErrors).toMatchObject({ secret: expect.any(String) });
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
