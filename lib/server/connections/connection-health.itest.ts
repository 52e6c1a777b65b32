import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections, sessions } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";
import { createTestDatabase, createTestStore } from "@/tests/test-database";
import { createConnection } from "./create-connection";
import { getConnectionWithActivity, listConnectionsWithActivity } from "./list-connections";
import { testConnection } from "./test-connection";
import { updateConnection } from "./update-connection";

describe("connection health and session counts (real PostgreSQL)", () => {
  const key = randomBytes(32);
  const rolePassword = `pw-${randomBytes(6).toString("hex")}`;
  const role = `health_${randomBytes(3).toString("hex")}`;
  let db: Db;
  let target: URL;

  beforeAll(async () => {
    db = createDb(await createTestStore(), { max: 2 });
    target = new URL(await createTestDatabase("health_target"));
    const admin = new pg.Client({ connectionString: target.toString() });
    await admin.connect();
    await admin.query(`create role ${role} login password '${rolePassword}'`);
    await admin.end();
  });
  afterAll(() => db.$client.end());

  const draft = () => ({
    name: `health-${randomBytes(3).toString("hex")}`,
    host: target.hostname,
    port: Number(target.port),
    database: target.pathname.slice(1),
    username: role,
    password: rolePassword,
    sslmode: "disable" as const,
    allowedGroups: ["developer"],
    description: "",
  });
  const savedSettings = (c: ConnectionDto) => ({
    id: c.id,
    host: c.host,
    port: c.port,
    database: c.database,
    username: c.username,
    sslmode: c.sslmode,
  });
  const auditCount = async (id: string) => (await db.select().from(auditEvents).where(eq(auditEvents.targetId, id))).length;

  it("keeps a test of the saved settings as the connection's health, in the list DTO, without an audit event", async () => {
    const created = await createConnection(db, key, "admin@example.com", draft());
    expect(created.health).toBeNull();
    const eventsBefore = await auditCount(created.id);

    const before = Date.now();
    const result = await testConnection(db, key, savedSettings(created));
    expect(result.ok).toBe(true);

    const listed = (await listConnectionsWithActivity(db)).find((c) => c.id === created.id)!;
    expect(listed.health).toMatchObject({ isOk: true, message: expect.stringMatching(/^PostgreSQL \d+.* · no TLS · \d+ ms$/) });
    expect(Date.parse(listed.health!.testedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(await auditCount(created.id)).toBe(eventsBefore);

    // The stored credential stops working: the next test of the saved settings records the failure and its reason.
    const admin = new pg.Client({ connectionString: target.toString() });
    await admin.connect();
    await admin.query(`alter role ${role} password 'changed-${randomBytes(4).toString("hex")}'`);
    await admin.end();
    try {
      const failed = await testConnection(db, key, savedSettings(created));
      expect(failed.ok).toBe(false);
      const health = (await getConnectionWithActivity(db, created.id))!.health;
      expect(health).toMatchObject({ isOk: false, message: expect.stringMatching(/password authentication failed.*\(28P01\)$/i) });
    } finally {
      const restore = new pg.Client({ connectionString: target.toString() });
      await restore.connect();
      await restore.query(`alter role ${role} password '${rolePassword}'`);
      await restore.end();
    }
  });

  it("does not record a test of other settings (a draft, or a saved connection with a retyped password), and clears health when the settings change", async () => {
    const created = await createConnection(db, key, "admin@example.com", draft());
    // An unsaved draft with the same server: nothing to record it on.
    await testConnection(db, key, { ...savedSettings(created), id: undefined, password: rolePassword });
    // The saved connection with a wrong password typed in the form: a test of other settings.
    const wrong = await testConnection(db, key, { ...savedSettings(created), password: "not-the-password" });
    expect(wrong.ok).toBe(false);
    expect((await getConnectionWithActivity(db, created.id))!.health).toBeNull();

    // The same password typed again is the saved setting.
    await testConnection(db, key, { ...savedSettings(created), password: rolePassword });
    expect((await getConnectionWithActivity(db, created.id))!.health).toMatchObject({ isOk: true });

    // A new description leaves the health alone; a new port makes it unknown.
    const base = { ...draft(), name: created.name, password: undefined };
    await updateConnection(db, key, "admin@example.com", created.id, { ...base, description: "renamed" });
    expect((await getConnectionWithActivity(db, created.id))!.health).toMatchObject({ isOk: true });
    await updateConnection(db, key, "admin@example.com", created.id, { ...base, port: 1 });
    expect((await getConnectionWithActivity(db, created.id))!.health).toBeNull();
    const [row] = await db.select().from(connections).where(eq(connections.id, created.id));
    expect(row).toMatchObject({ lastTestedAt: null, lastTestOk: null, lastTestMessage: null });
  });

  it("counts sessions open now and open at some time in the last 24 hours, per connection", async () => {
    const created = await createConnection(db, key, "admin@example.com", draft());
    const other = await createConnection(db, key, "admin@example.com", draft());
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
    const session = (connectionId: string, startedAt: Date, endedAt: Date | null) => ({
      id: randomUUID(),
      connectionId,
      connectionName: "x",
      userName: "dev@example.com",
      actorKind: "human" as const,
      authMethod: "token" as const,
      clientAddress: "127.0.0.1",
      isTls: true,
      protocolVersion: "3.0",
      gatewayInstance: "test:1",
      recordingMode: "strict" as const,
      startedAt,
      endedAt,
    });
    await db.insert(sessions).values([
      session(created.id, hoursAgo(1), null), // open, started today
      session(created.id, hoursAgo(30), null), // open for more than a day
      session(created.id, hoursAgo(2), hoursAgo(1)), // closed today
      session(created.id, hoursAgo(26), hoursAgo(23)), // started yesterday, ended within the day
      session(created.id, hoursAgo(50), hoursAgo(48)), // over before the last 24 hours
      session(other.id, hoursAgo(1), null),
    ]);

    const list = await listConnectionsWithActivity(db);
    expect(list.find((c) => c.id === created.id)!.sessionCounts).toEqual({ open: 2, last24h: 4 });
    expect(list.find((c) => c.id === other.id)!.sessionCounts).toEqual({ open: 1, last24h: 1 });
    expect((await getConnectionWithActivity(db, created.id))!.sessionCounts).toEqual({ open: 2, last24h: 4 });
    const quiet = await createConnection(db, key, "admin@example.com", draft());
    expect((await listConnectionsWithActivity(db)).find((c) => c.id === quiet.id)!.sessionCounts).toEqual({ open: 0, last24h: 0 });
  });
});
