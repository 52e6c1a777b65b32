import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, sessions, statements, users } from "@/drizzle/schema";
import type { MaskedColumn } from "@/drizzle/schema/statements";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { getActivityOverview } from "./get-activity-overview";

const admin = { email: "ada@example.com", roles: ["admin" as const] };
const auditor = { email: "aldo@example.com", roles: ["auditor" as const] };
const reviewer = { email: "rita@example.com", roles: ["reviewer" as const] };
const developer = { email: "dev@example.com", roles: ["developer" as const] };

const now = new Date("2026-03-10T12:00:30Z");
const at = (iso: string) => new Date(`2026-03-10T${iso}Z`);
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const MASK: MaskedColumn[] = [{ index: 0, name: "email", matchedBy: "column_rule", semanticTypes: ["email"], rule: "public.users.email" }];

type StatementSpec = { at: Date; status?: "ok" | "error" | "blocked"; decision?: "forward" | "block" | "hold"; masked?: MaskedColumn[] | [] };

describe("activity overview (real PostgreSQL)", () => {
  let db: Db;
  const ids = { dev: randomUUID(), other: randomUUID(), agent: randomUUID() };

  async function addSession(id: string, userName: string, actorKind: "human" | "agent", agentName: string | null, specs: StatementSpec[]) {
    await db.insert(sessions).values({
      id,
      connectionName: "orders",
      userName,
      actorKind,
      agentName,
      authMethod: "token",
      clientAddress: "127.0.0.1",
      isTls: true,
      protocolVersion: "3.0",
      gatewayInstance: "test:1",
      recordingMode: "strict",
      startedAt: new Date("2026-03-09T00:00:00Z"),
    });
    await db.insert(statements).values(
      specs.map((s, i) => ({
        id: randomUUID(),
        sessionId: id,
        seq: i + 1,
        protocol: "simple" as const,
        sql: `select ${i + 1} /* ${userName} */`,
        kind: "read",
        command: "SELECT",
        status: s.status ?? "ok",
        decision: s.decision ?? (s.status === "blocked" ? "block" : "forward"),
        decisionReason: s.status === "blocked" ? "Rule: no deletes" : null,
        maskedColumns: s.masked ?? null,
        receivedAt: s.at,
      })),
    );
  }

  function approval(requester: string, status: "pending" | "approved" | "rejected" | "timed_out", createdAt: Date, decidedAt: Date | null) {
    return {
      connectionName: "orders",
      requester,
      actorKind: "human" as const,
      protocol: "simple",
      sql: "delete from orders",
      classification: { kind: "write", flags: [], relations: [] },
      ruleId: "r",
      ruleName: "rule",
      reviewerGroups: ["reviewer"],
      status,
      createdAt,
      expiresAt: new Date(now.getTime() + 3600_000),
      decidedAt,
    };
  }

  beforeAll(async () => {
    db = createDb(await createTestStore(), { max: 4 });
    await addSession(ids.dev, "dev@example.com", "human", null, [
      { at: at("11:59:10") },
      { at: at("11:59:15"), masked: [] }, // an empty mask list is not a masked read
      { at: at("11:59:20"), masked: MASK },
      { at: at("12:00:05"), status: "error" },
      { at: at("12:00:10"), status: "blocked" },
    ]);
    await addSession(ids.other, "other@example.com", "human", null, [
      { at: new Date("2026-03-09T10:00:00Z") }, // outside the day window
      { at: at("11:30:00") },
      { at: at("11:30:10"), decision: "hold" }, // held, then approved and ran
      { at: at("11:30:20"), decision: "hold", status: "blocked" }, // held, then rejected
      { at: at("11:30:30"), status: "blocked" },
      { at: at("11:30:40"), status: "blocked" },
    ]);
    await addSession(ids.agent, "bot@example.com", "agent", "claude-code", [{ at: at("06:00:00") }, { at: at("06:01:00") }, { at: at("06:02:00") }, { at: at("11:59:50"), status: "blocked" }]);
    await db.insert(approvalRequests).values([
      approval("dev@example.com", "pending", minutesAgo(30), null),
      approval("other@example.com", "pending", minutesAgo(5), null),
      approval("other@example.com", "approved", minutesAgo(10), minutesAgo(9)),
      approval("dev@example.com", "rejected", minutesAgo(10), minutesAgo(8)),
      approval("other@example.com", "approved", minutesAgo(20), minutesAgo(15)),
      approval("other@example.com", "timed_out", minutesAgo(100), minutesAgo(40)),
      approval("other@example.com", "approved", minutesAgo(8 * 24 * 60), minutesAgo(8 * 24 * 60 - 1)),
    ]);
    await db.insert(users).values([{ email: "ada@example.com", name: "Ada" }]);
  });
  afterAll(() => db.$client.end());

  it("counts the organisation's statements per minute over the hour by outcome, every bucket present", async () => {
    const o = await getActivityOverview(db, admin, now);
    expect(o.scope).toBe("organisation");
    expect(o.lastHour.buckets).toHaveLength(60);
    expect(o.lastHour.from).toBe("2026-03-10T11:01:00.000Z");
    expect(o.lastHour.to).toBe("2026-03-10T12:01:00.000Z");
    expect(o.lastHour.totals).toEqual({ ok: 3, masked: 1, error: 1, blocked: 4, held: 2, total: 11 });
    const bucket = (iso: string) => o.lastHour.buckets.find((b) => b.start === iso);
    expect(bucket("2026-03-10T11:59:00.000Z")).toEqual({ start: "2026-03-10T11:59:00.000Z", ok: 2, masked: 1, error: 0, blocked: 1, held: 0 });
    expect(bucket("2026-03-10T12:00:00.000Z")).toMatchObject({ ok: 0, error: 1, blocked: 1 });
    expect(bucket("2026-03-10T11:30:00.000Z")).toMatchObject({ ok: 1, held: 2, blocked: 2 });
    expect(bucket("2026-03-10T11:31:00.000Z")).toEqual({ start: "2026-03-10T11:31:00.000Z", ok: 0, masked: 0, error: 0, blocked: 0, held: 0 });
  });

  it("counts the day per quarter hour, leaving out what is older than a day", async () => {
    const o = await getActivityOverview(db, admin, now);
    expect(o.lastDay.buckets).toHaveLength(96);
    expect(o.lastDay.from).toBe("2026-03-09T12:15:00.000Z");
    expect(o.lastDay.totals).toEqual({ ok: 6, masked: 1, error: 1, blocked: 4, held: 2, total: 14 });
    expect(o.lastDay.buckets.find((b) => b.start === "2026-03-10T06:00:00.000Z")).toMatchObject({ ok: 3 });
    expect(o.lastDay.buckets.find((b) => b.start === "2026-03-10T11:45:00.000Z")).toMatchObject({ ok: 2, masked: 1, blocked: 1 });
  });

  it("ranks people and agents by statements and by blocks", async () => {
    const o = await getActivityOverview(db, admin, now);
    expect(o.topPeople.byStatements).toEqual([
      { name: "dev@example.com", statements: 5, blocked: 1 },
      { name: "other@example.com", statements: 5, blocked: 3 },
    ]);
    expect(o.topPeople.byBlocks.map((a) => a.name)).toEqual(["other@example.com", "dev@example.com"]);
    expect(o.topAgents).toEqual({ byStatements: [{ name: "claude-code", statements: 4, blocked: 1 }], byBlocks: [{ name: "claude-code", statements: 4, blocked: 1 }] });
  });

  it("lists pending approvals oldest first with their age, and the median time to decision over reviewers' decisions", async () => {
    const o = await getActivityOverview(db, admin, now);
    expect(o.pendingApprovals.count).toBe(2);
    expect(o.pendingApprovals.oldest.map((p) => [p.requester, p.ageSeconds])).toEqual([
      ["dev@example.com", 1800],
      ["other@example.com", 300],
    ]);
    // 60 s, 120 s and 300 s; the timeout and the decision of 8 days ago do not count.
    expect(o.decisionTime).toEqual({ medianSeconds: 120, decidedCount: 3, windowDays: 7 });
  });

  it("lists the recent blocked statements newest first, openable by those who may open the session", async () => {
    const o = await getActivityOverview(db, auditor, now);
    expect(o.recentBlocked.map((b) => [b.sessionId, b.seq, b.wasHeld, b.canOpen])).toEqual([
      [ids.dev, 5, false, true],
      [ids.agent, 4, false, true],
      [ids.other, 6, false, true],
      [ids.other, 5, false, true],
      [ids.other, 4, true, true],
    ]);
    expect(o.recentBlocked[0]).toMatchObject({ userName: "dev@example.com", reason: "Rule: no deletes", sqlPreview: "select 5 /* dev@example.com */" });
    const asReviewer = await getActivityOverview(db, reviewer, now);
    expect(asReviewer.scope).toBe("organisation");
    // Reviewers count the organisation's statements but read only the SQL of sessions they may open: their own (none here).
    expect(asReviewer.recentBlocked).toEqual([]);
    const asReviewerWithOwn = await getActivityOverview(db, { ...reviewer, email: "dev@example.com" }, now);
    expect(asReviewerWithOwn.recentBlocked.map((b) => [b.sessionId, b.seq, b.canOpen])).toEqual([[ids.dev, 5, true]]);
  });

  it("gives a developer only their own activity and no organisation counters", async () => {
    const o = await getActivityOverview(db, developer, now);
    expect(o.scope).toBe("own");
    expect(o.organisation).toBeNull();
    expect(o.lastHour.totals).toEqual({ ok: 2, masked: 1, error: 1, blocked: 1, held: 0, total: 5 });
    expect(o.lastDay.totals.total).toBe(5);
    expect(o.topPeople.byStatements).toEqual([{ name: "dev@example.com", statements: 5, blocked: 1 }]);
    expect(o.topAgents.byStatements).toEqual([]);
    expect(o.recentBlocked.map((b) => [b.sessionId, b.seq, b.canOpen])).toEqual([[ids.dev, 5, true]]);
    expect(o.pendingApprovals.count).toBe(1);
    expect(o.pendingApprovals.oldest.map((p) => p.requester)).toEqual(["dev@example.com"]);
    expect(o.decisionTime).toMatchObject({ medianSeconds: 120, decidedCount: 1 });
  });

  it("gives admins and auditors the organisation's counters, and reviewers none", async () => {
    expect((await getActivityOverview(db, admin, now)).organisation).toMatchObject({ connections: 0, users: 1 });
    expect((await getActivityOverview(db, auditor, now)).organisation).not.toBeNull();
    expect((await getActivityOverview(db, reviewer, now)).organisation).toBeNull();
  });

  it("reads statements through the received_at index (a range), never a full scan, on a bigger table", async () => {
    // 40,000 statements over 40 days, so a day is a small slice and the planner's choice means something.
    await db.execute(sql`
      insert into statements (id, session_id, seq, protocol, sql, kind, command, status, received_at)
      select gen_random_uuid(), ${ids.agent}, 100 + g, 'simple', 'select 1', 'read', 'SELECT', 'ok',
             ${now.toISOString()}::timestamptz - interval '40 days' + g * interval '86 seconds'
      from generate_series(1, 39000) g
      where ${now.toISOString()}::timestamptz - interval '40 days' + g * interval '86 seconds' < ${now.toISOString()}::timestamptz - interval '2 days'`);
    await db.execute(sql`analyze statements`);
    const captured: { text: string; values: unknown[] }[] = [];
    const pool = db.$client;
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    // Records the SQL the service sends (the real driver still runs it) so each can be EXPLAINed.
    (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
      const q = args[0] as string | { text: string; values?: unknown[] };
      if (typeof q === "string") captured.push({ text: q, values: (args[1] as unknown[]) ?? [] });
      else captured.push({ text: q.text, values: q.values ?? (args[1] as unknown[]) ?? [] });
      return query(...args);
    };
    try {
      const o = await getActivityOverview(db, admin, now);
      expect(o.lastDay.totals.total).toBe(14);
    } finally {
      (pool as unknown as { query: unknown }).query = query;
    }
    const onStatements = captured.filter((q) => /from statements st/.test(q.text));
    expect(onStatements.length).toBe(4);
    for (const q of onStatements) {
      const plan = await pool.query(`explain ${q.text}`, q.values);
      const text = plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
      expect(text, text).toMatch(/statements_received_at_idx|statements_p\d+_received_at_idx|received_at_idx/);
      expect(text, text).not.toMatch(/Seq Scan on statements/);
    }
  });
});
