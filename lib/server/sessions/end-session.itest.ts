import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, sessions } from "@/drizzle/schema";
import { eventually, startGatewayFixture, type GatewayFixture } from "@/proxy/testing/gateway-fixture";
import { endSession } from "./end-session";
import type { SessionViewer } from "./session-visibility";

const admin: SessionViewer = { email: "ada@example.com", roles: ["admin"] };

/** A real gateway, a real client on it, and the console's service ending the session from outside. */
describe("an admin ends a live session (real gateway, real PostgreSQL)", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(() => fx?.close());

  /** A connected client and its session's id, once the session's row is recorded. */
  async function openSession(applicationName: string): Promise<{ client: pg.Client; sessionId: string; ended: Promise<{ code?: string; severity?: string; message: string }> }> {
    const client = await fx.connect({ application_name: applicationName });
    const ended = new Promise<{ code?: string; severity?: string; message: string }>((resolve) => client.on("error", resolve));
    expect((await client.query("select 1 as alive")).rows).toEqual([{ alive: 1 }]);
    const [row] = await eventually(async () => {
      const rows = await fx.db.select().from(sessions).where(eq(sessions.applicationName, applicationName));
      return rows.length > 0 ? rows : undefined;
    });
    return { client, sessionId: row.id, ended };
  }

  it("closes the client with 57P01 and the reason, records the end, the requester and an audit event", async () => {
    const { client, sessionId, ended } = await openSession("to-end");
    const dto = await endSession(fx.db, admin, sessionId, { reason: "  bulk export without a ticket  " });
    expect(dto).toMatchObject({ id: sessionId, endRequestedBy: admin.email, endRequestReason: "bulk export without a ticket" });

    const error = await ended;
    expect(error).toMatchObject({ code: "57P01", severity: "FATAL" });
    expect(error.message).toBe("terminating connection: terminated by an administrator (ada@example.com): bulk export without a ticket");
    await expect(client.query("select 1")).rejects.toThrow();

    const [row] = await eventually(async () => {
      const rows = await fx.db.select().from(sessions).where(eq(sessions.id, sessionId));
      return rows[0]?.endedAt ? rows : undefined;
    });
    expect(row).toMatchObject({ endReason: "ended_by_admin", endRequestedBy: admin.email, endRequestReason: "bulk export without a ticket" });
    expect(row.endRequestedAt).toBeInstanceOf(Date);

    const audited = await fx.db.select().from(auditEvents).where(and(eq(auditEvents.action, "session.end_request"), eq(auditEvents.targetId, sessionId)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor: admin.email, targetType: "session", targetName: fx.connectionName, details: { reason: "bulk export without a ticket", userName: fx.email } });
  });

  it("refuses non-admins, an empty reason, unknown sessions, and answers 409 for an ended session", async () => {
    const { client, sessionId } = await openSession("not-yours-to-end");
    for (const role of ["auditor", "reviewer", "developer"] as const) {
      await expect(endSession(fx.db, { email: "x@example.com", roles: [role] }, sessionId, { reason: "because" })).rejects.toMatchObject({ status: 403 });
    }
    await expect(endSession(fx.db, admin, sessionId, { reason: "   " })).rejects.toThrow();
    await expect(endSession(fx.db, admin, randomUUID(), { reason: "gone" })).rejects.toMatchObject({ status: 404 });
    await expect(endSession(fx.db, admin, "last", { reason: "gone" })).rejects.toMatchObject({ status: 404 });
    // Nothing was asked of the gateway: the session is still live and unmarked.
    expect((await client.query("select 2 as still")).rows).toEqual([{ still: 2 }]);
    const [live] = await fx.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(live).toMatchObject({ endedAt: null, endRequestedBy: null });
    expect(await fx.db.select().from(auditEvents).where(and(eq(auditEvents.action, "session.end_request"), eq(auditEvents.targetId, sessionId)))).toEqual([]);

    await client.end();
    await eventually(async () => (await fx.db.select().from(sessions).where(eq(sessions.id, sessionId)))[0]?.endedAt);
    await expect(endSession(fx.db, admin, sessionId, { reason: "too late" })).rejects.toMatchObject({ status: 409, message: expect.stringContaining("already ended") });
  });
});
