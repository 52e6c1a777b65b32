import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, sessions, statements } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { findSession } from "./find-session";
import { getStatement } from "./get-statement";
import { getVisibleSession } from "./get-visible-session";
import { listStatementSummaries, SQL_PREVIEW_CHARS } from "./list-statement-summaries";
import { listVisibleSessions } from "./list-visible-sessions";

const developer = { email: "dev@example.com", roles: ["developer" as const] };
const reviewer = { email: "rita@example.com", roles: ["reviewer" as const] };
const auditor = { email: "aldo@example.com", roles: ["auditor" as const] };

describe("session player services (real PostgreSQL)", () => {
  let db: Db;
  let connectionId: string;
  const t0 = new Date("2026-03-01T10:00:00Z");
  const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

  async function addSession(over: Partial<typeof sessions.$inferInsert> = {}) {
    const id = randomUUID();
    await db.insert(sessions).values({
      id,
      connectionId,
      connectionName: "orders",
      userName: "dev@example.com",
      actorKind: "human",
      authMethod: "token",
      clientAddress: "127.0.0.1",
      isTls: true,
      protocolVersion: "3.0",
      gatewayInstance: "test:1",
      recordingMode: "strict",
      startedAt: t0,
      ...over,
    });
    return id;
  }

  beforeAll(async () => {
    db = createDb(await createTestStore(), { max: 2 });
    connectionId = randomUUID();
    await db.insert(connections).values({ id: connectionId, name: "orders", host: "localhost", database: "orders", username: "app", createdBy: "test" });
  });
  afterAll(() => db.$client.end());

  describe("listVisibleSessions", () => {
    let devIds: string[];
    let otherId: string;
    beforeAll(async () => {
      await db.delete(sessions);
      devIds = [];
      for (let i = 0; i < 5; i++) devIds.push(await addSession({ startedAt: minutes(i), errorCount: i === 2 ? 1 : 0, actorKind: i === 4 ? "agent" : "human", agentName: i === 4 ? "claude-code" : null }));
      otherId = await addSession({ userName: "other@example.com", startedAt: minutes(10) });
    });

    it("gives developers and reviewers only their own sessions, whatever user they ask for", async () => {
      const page = await listVisibleSessions(db, developer, { user: "other@example.com" });
      expect(page.sessions.map((s) => s.id)).toEqual([...devIds].reverse());
      expect((await listVisibleSessions(db, reviewer, {})).sessions).toEqual([]);
    });

    it("gives auditors everyone's, newest first, and filters by user, actor kind, errors and time", async () => {
      expect((await listVisibleSessions(db, auditor, {})).sessions.map((s) => s.id)).toEqual([otherId, ...[...devIds].reverse()]);
      expect((await listVisibleSessions(db, auditor, { user: "other@example.com" })).sessions.map((s) => s.id)).toEqual([otherId]);
      expect((await listVisibleSessions(db, auditor, { actor: "agent" })).sessions).toMatchObject([{ id: devIds[4], agentName: "claude-code" }]);
      expect((await listVisibleSessions(db, auditor, { errors: "1" })).sessions.map((s) => s.id)).toEqual([devIds[2]]);
      const window = await listVisibleSessions(db, auditor, { from: minutes(1).toISOString(), to: minutes(3).toISOString() });
      expect(window.sessions.map((s) => s.id)).toEqual([devIds[3], devIds[2], devIds[1]]);
    });

    it("pages with a keyset cursor and treats a mangled cursor as the first page", async () => {
      const first = await listVisibleSessions(db, developer, { limit: 2 });
      expect(first.sessions.map((s) => s.id)).toEqual([devIds[4], devIds[3]]);
      const second = await listVisibleSessions(db, developer, { limit: 2, cursor: first.nextCursor! });
      expect(second.sessions.map((s) => s.id)).toEqual([devIds[2], devIds[1]]);
      const last = await listVisibleSessions(db, developer, { limit: 2, cursor: second.nextCursor! });
      expect(last).toEqual({ sessions: [expect.objectContaining({ id: devIds[0] })], nextCursor: null });
      const mangled = Buffer.from(`${t0.toISOString()}|not-a-uuid`).toString("base64url");
      expect((await listVisibleSessions(db, developer, { limit: 2, cursor: mangled })).sessions[0].id).toBe(devIds[4]);
    });
  });

  describe("getVisibleSession", () => {
    it("answers 404 for unknown or malformed ids and 403 for someone else's session", async () => {
      const mine = await addSession();
      const theirs = await addSession({ userName: "other@example.com" });
      await expect(getVisibleSession(db, developer, randomUUID())).rejects.toMatchObject({ status: 404 });
      await expect(getVisibleSession(db, developer, "last")).rejects.toMatchObject({ status: 404 });
      await expect(getVisibleSession(db, developer, theirs)).rejects.toMatchObject({ status: 403 });
      expect((await getVisibleSession(db, developer, mine)).id).toBe(mine);
      expect((await getVisibleSession(db, auditor, theirs)).userName).toBe("other@example.com");
    });
  });

  describe("statements of a session", () => {
    let sessionId: string;
    const longSql = `select ${"x, ".repeat(200)}1`;
    beforeAll(async () => {
      sessionId = await addSession({ statementCount: 3, errorCount: 1 });
      const base = { sessionId, protocol: "simple" as const, kind: "read", command: "select", receivedAt: t0 };
      await db.insert(statements).values([
        { ...base, id: randomUUID(), seq: 1, sql: "select name from customers limit 2", status: "ok", commandTag: "SELECT 2", rowCount: 2, columns: [{ name: "name", typeOid: 25, tableOid: 1, columnNumber: 1, format: "text" }], rows: [["Ada"], ["Bob"]], resultRowCount: 2 },
        { ...base, id: randomUUID(), seq: 2, sql: longSql, status: "error", errorCode: "42703", errorMessage: 'column "x" does not exist' },
        { ...base, id: randomUUID(), seq: 3, protocol: "extended", sql: "select $1::int", params: [{ format: "text", value: "41", typeOid: 23 }], status: "running" },
      ]);
    });

    it("pages summaries by sequence number, without parameters or result rows, and with only the start of long SQL", async () => {
      const first = await listStatementSummaries(db, sessionId, { after: 0, limit: 2 });
      expect(first.hasMore).toBe(true);
      expect(first.statements.map((s) => s.seq)).toEqual([1, 2]);
      expect(first.statements[0]).toMatchObject({ sqlPreview: "select name from customers limit 2", isSqlTruncated: false, status: "ok", rowCount: 2, receivedAt: t0.toISOString() });
      expect(first.statements[0]).not.toHaveProperty("rows");
      expect(first.statements[0]).not.toHaveProperty("params");
      expect(first.statements[1].sqlPreview).toBe(longSql.slice(0, SQL_PREVIEW_CHARS));
      expect(first.statements[1]).toMatchObject({ isSqlTruncated: true, errorCode: "42703" });
      const rest = await listStatementSummaries(db, sessionId, { after: 2, limit: 2 });
      expect(rest).toMatchObject({ hasMore: false, statements: [{ seq: 3, status: "running", protocol: "extended" }] });
      expect((await listStatementSummaries(db, sessionId, { after: 3 })).statements).toEqual([]);
    });

    it("returns one statement in full, with parameters and the recorded result", async () => {
      expect(await getStatement(db, sessionId, 1)).toMatchObject({ sql: "select name from customers limit 2", rows: [["Ada"], ["Bob"]], columns: [{ name: "name" }] });
      expect(await getStatement(db, sessionId, 2)).toMatchObject({ sql: longSql, errorMessage: 'column "x" does not exist' });
      expect(await getStatement(db, sessionId, 3)).toMatchObject({ params: [{ value: "41", typeOid: 23 }] });
      expect(await getStatement(db, sessionId, 4)).toBeUndefined();
      expect(await getStatement(db, randomUUID(), 1)).toBeUndefined();
    });
  });

  it("stays fast with 100,000 statements stored: the list reads session counters, a page reads the (session, seq) index", async () => {
    const big = await addSession({ startedAt: minutes(60), statementCount: 100_000 });
    await db.execute(sql`
      insert into statements (id, session_id, seq, protocol, sql, kind, command, status, received_at, rows)
      select gen_random_uuid(), ${big}::uuid, n, 'simple', 'select ' || n, 'read', 'select', 'ok',
             ${t0.toISOString()}::timestamptz + n * interval '10 ms', jsonb_build_array(jsonb_build_array(n::text))
        from generate_series(1, 100000) as n`);
    await db.execute(sql`analyze statements`);
    await findSession(db, big);
    const timed = async <T>(fn: () => Promise<T>) => {
      const started = performance.now();
      const value = await fn();
      return { value, ms: performance.now() - started };
    };
    const list = await timed(() => listVisibleSessions(db, auditor, { limit: 50 }));
    expect(list.value.sessions[0]).toMatchObject({ id: big, statementCount: 100_000 });
    const tail = await timed(() => listStatementSummaries(db, big, { after: 99_000, limit: 1000 }));
    expect(tail.value.statements).toHaveLength(1000);
    expect(tail.value.statements.at(-1)?.seq).toBe(100_000);
    // Generous bounds for a shared CI machine; a sequential scan of the statements would be far slower.
    expect(list.ms).toBeLessThan(500);
    expect(tail.ms).toBeLessThan(500);
  });
});
