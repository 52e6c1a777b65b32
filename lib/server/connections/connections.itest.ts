import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { listAuditEvents } from "@/lib/server/audit/list-audit-events";
import { createTestDatabase, createTestStore } from "@/tests/test-database";
import { browseSchema } from "./browse-schema";
import { createConnection } from "./create-connection";
import { deleteConnection } from "./delete-connection";
import { listConnections } from "./list-connections";
import { testConnection } from "./test-connection";
import { updateConnection } from "./update-connection";

describe("connection catalog services (real PostgreSQL)", () => {
  const key = randomBytes(32);
  const rolePassword = `pw-${randomBytes(6).toString("hex")}`;
  const role = `target_${randomBytes(3).toString("hex")}`;
  let db: Db;
  let target: URL;

  beforeAll(async () => {
    db = createDb(await createTestStore());
    target = new URL(await createTestDatabase("target"));
    const admin = new pg.Client({ connectionString: target.toString() });
    await admin.connect();
    await admin.query(`create role ${role} login password '${rolePassword}'`);
    await admin.query(`create table public.customers (id serial primary key, email text not null, card_number text)`);
    await admin.query(`grant select on public.customers to ${role}`);
    await admin.end();
  });
  afterAll(() => db.$client.end());

  const draft = (over: Record<string, unknown> = {}) => ({
    name: `shop-${randomBytes(3).toString("hex")}`,
    host: target.hostname,
    port: Number(target.port),
    database: target.pathname.slice(1),
    username: role,
    password: rolePassword,
    sslmode: "disable" as const,
    allowedGroups: ["developer", "developer", "admin"],
    description: "test target",
    ...over,
  });

  it("creates a connection with the password encrypted, write-only, and audited in the same transaction", async () => {
    const input = draft();
    const dto = await createConnection(db, key, "admin@example.com", input);
    expect(dto).toMatchObject({ name: input.name, hasPassword: true, allowedGroups: ["developer", "admin"] });
    expect(JSON.stringify(dto)).not.toContain(rolePassword);
    expect(Object.keys(dto)).not.toContain("passwordCiphertext");

    const [row] = await db.select().from(connections).where(eq(connections.id, dto.id));
    expect(row.passwordCiphertext).toMatch(/^v1:/);
    expect(row.passwordCiphertext).not.toContain(rolePassword);

    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.targetId, dto.id));
    expect(event).toMatchObject({ actor: "admin@example.com", action: "connection.create", targetName: input.name });
    expect(JSON.stringify(event.after)).not.toContain(rolePassword);
    expect(JSON.stringify(event.after)).not.toContain(row.passwordCiphertext!);
    expect((await listConnections(db)).map((c) => c.name)).toContain(input.name);
  });

  it("refuses a duplicate name with a field error", async () => {
    const input = draft();
    await createConnection(db, key, "admin@example.com", input);
    await expect(createConnection(db, key, "admin@example.com", input)).rejects.toMatchObject({ status: 409, fieldErrors: { name: expect.any(String) } });
  });

  it("keeps the stored password on update unless replaced or cleared, and audits before/after", async () => {
    const created = await createConnection(db, key, "admin@example.com", draft());
    const [before] = await db.select().from(connections).where(eq(connections.id, created.id));
    const updated = await updateConnection(db, key, "admin@example.com", created.id, { ...draft({ name: created.name, description: "renamed" }), password: "" });
    expect(updated.description).toBe("renamed");
    const [kept] = await db.select().from(connections).where(eq(connections.id, created.id));
    expect(kept.passwordCiphertext).toBe(before.passwordCiphertext);

    const cleared = await updateConnection(db, key, "admin@example.com", created.id, { ...draft({ name: created.name }), clearPassword: true });
    expect(cleared.hasPassword).toBe(false);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.targetId, created.id));
    const update = events.find((e) => e.action === "connection.update")!;
    expect(update.before).toMatchObject({ description: "test target" });
    expect(update.after).toMatchObject({ description: "renamed" });
  });

  it("tests a draft or a saved connection and names the exact problem", async () => {
    const ok = await testConnection(db, key, draft());
    expect(ok).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^PostgreSQL \d+/), tls: false });

    const badPassword = await testConnection(db, key, draft({ password: "wrong" }));
    expect(badPassword).toMatchObject({ ok: false, code: "28P01", error: `Password authentication failed for user "${role}".` });

    const noDb = await testConnection(db, key, draft({ database: "nope_db" }));
    expect(noDb).toMatchObject({ ok: false, error: expect.stringContaining('"nope_db" does not exist') });

    const closedPort = await findFreePort();
    const refused = await testConnection(db, key, draft({ host: "127.0.0.1", port: closedPort }));
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining("Connection refused") });

    const tlsRequired = await testConnection(db, key, draft({ sslmode: "require" }));
    expect(tlsRequired).toMatchObject({ ok: false, error: expect.stringMatching(/does not support SSL/) });

    const saved = await createConnection(db, key, "admin@example.com", draft());
    expect(await testConnection(db, key, { ...draft(), id: saved.id, password: undefined })).toMatchObject({ ok: true });
  });

  it("browses the target's schemas, tables and column types", async () => {
    const saved = await createConnection(db, key, "admin@example.com", draft());
    const schema = await browseSchema(db, key, saved.id);
    const customers = schema.schemas.find((s) => s.name === "public")?.tables.find((t) => t.name === "customers");
    expect(customers?.kind).toBe("table");
    expect(customers?.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ["id", "integer", false],
      ["email", "text", false],
      ["card_number", "text", true],
    ]);
  });

  it("deletes with an audit record, and the audit log filters and pages", async () => {
    const saved = await createConnection(db, key, "admin@example.com", draft());
    await deleteConnection(db, "admin@example.com", saved.id);
    await expect(deleteConnection(db, "admin@example.com", saved.id)).rejects.toMatchObject({ status: 404 });

    const deletes = await listAuditEvents(db, { action: "connection.delete" });
    expect(deletes.events.map((e) => e.targetId)).toContain(saved.id);
    expect(deletes.actions).toEqual(expect.arrayContaining(["connection.create", "connection.delete", "connection.update"]));

    const first = await listAuditEvents(db, { limit: 2 });
    expect(first.events).toHaveLength(2);
    expect(first.nextCursor).toBe(first.events[1].seq);
    const second = await listAuditEvents(db, { limit: 2, before: first.nextCursor! });
    expect(second.events[0].seq).toBeLessThan(first.events[1].seq);
  });
});

describe("a new connection's policy", () => {
  it("starts at version 1 with the default policy", async () => {
    const { policyVersions } = await import("@/drizzle/schema");
    const { defaultPolicy } = await import("@/lib/policy/default-policy");
    const db = createDb(await createTestStore());
    try {
      const c = await createConnection(db, randomBytes(32), "admin@example.com", {
        name: "p1", host: "localhost", port: 5432, database: "x", username: "u", sslmode: "disable", allowedGroups: [], description: "",
      });
      const versions = await db.select().from(policyVersions).where(eq(policyVersions.connectionId, c.id));
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatchObject({ version: 1, author: "admin@example.com", document: defaultPolicy() });
    } finally {
      await db.$client.end();
    }
  });
});
