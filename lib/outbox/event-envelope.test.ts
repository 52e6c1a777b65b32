import { describe, expect, it } from "vitest";
import type { AuditEvent } from "@/drizzle/schema";
import { chainAuditEvents, EMPTY_CHAIN } from "@/lib/audit/append-event";
import { hashEvent } from "@/lib/audit/hash-chain";
import { buildTestEvent, OUTBOX_SCHEMA, toOutboxEvent } from "./event-envelope";

/** Rows as the store returns them, chained the way appendAuditEvents chains them. */
function chainedRows(events: Parameters<typeof chainAuditEvents>[0]): AuditEvent[] {
  return chainAuditEvents(events, EMPTY_CHAIN, new Date("2026-12-07T10:00:00.123Z")) as AuditEvent[];
}

describe("toOutboxEvent", () => {
  const rows = chainedRows([
    { actor: "dev@example.com", action: "gateway.session.start", targetType: "session", targetId: "s-1", targetName: "orders", details: { clientAddress: "10.0.0.5", actorKind: "human" } },
    { actor: "dev@example.com", action: "gateway.statement", targetType: "statement", targetId: "st-1", targetName: "orders", details: { sql: "delete from orders", decision: "block", kind: "write", statementId: "st-1" } },
    { actor: "dev@example.com", action: "gateway.statement", targetType: "statement", targetId: "st-2", targetName: "orders", details: { sql: "select 1", decision: "forward", status: "running" } },
    { actor: "gateway", action: "gateway.sign_in.failed", targetType: "client_address", targetName: "10.0.0.9", details: { clientAddress: "10.0.0.9", count: 7, userNames: ["mallory"] } },
    { actor: "admin@example.com", action: "connection.create", targetType: "connection", targetId: "c-1", targetName: "orders", after: { host: "db" } },
  ]);
  const events = rows.map(toOutboxEvent);

  it("carries seq, hash and prevHash, and the fields the hash covers", () => {
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      expect(e.schema).toBe(OUTBOX_SCHEMA);
      expect(hashEvent(e.prevHash, e.event)).toBe(e.hash);
      if (i > 0) expect(e.prevHash).toBe(events[i - 1].hash);
    }
    // Survives the wire: a receiver re-parsing the JSON recomputes the same hash.
    const wire = JSON.parse(JSON.stringify(events[1]));
    expect(hashEvent(wire.prevHash, wire.event)).toBe(wire.hash);
    expect(events[0].event.occurredAt).toBe("2026-12-07T10:00:00.123Z");
  });

  it("maps a statement onto OCSF Datastore Activity, with its query and disposition", () => {
    expect(events[1].ocsf).toMatchObject({
      class_uid: 6005,
      category_uid: 6,
      activity_name: "Query",
      type_uid: 600504,
      time: Date.parse("2026-12-07T10:00:00.123Z"),
      actor: { user: { name: "dev@example.com" } },
      database: { name: "orders", type: "PostgreSQL" },
      query_info: { query_string: "delete from orders" },
      disposition: "block",
      disposition_id: 2,
      status: "Failure",
      severity_id: 3,
      metadata: { uid: "2", event_code: "gateway.statement" },
    });
    expect(events[2].ocsf).toMatchObject({ disposition: "forward", disposition_id: 1, status: "Success", severity_id: 1 });
    expect(events[0].ocsf).toMatchObject({ class_uid: 6005, activity_name: "Connect", type_uid: 600503, src_endpoint: { ip: "10.0.0.5" }, status: "Success" });
  });

  it("maps sign-in failures onto Authentication and console changes onto API Activity", () => {
    expect(events[3].ocsf).toMatchObject({ class_uid: 3002, category_uid: 3, activity_name: "Logon", type_uid: 300201, status: "Failure", user: { name: "mallory" }, count: 7 });
    expect(events[4].ocsf).toMatchObject({ class_uid: 6003, activity_name: "Create", type_uid: 600301, api: { operation: "connection.create" }, resources: [{ type: "connection", uid: "c-1", name: "orders" }] });
  });

  it("marks the test event clearly, outside the trail's seq range, with a hash a receiver can check", () => {
    const t = buildTestEvent("siem", "admin@example.com");
    expect(t).toMatchObject({ seq: 0, isTest: true, event: { action: "warden.sink.test", seq: 0, targetName: "siem" } });
    expect(hashEvent(t.prevHash, t.event)).toBe(t.hash);
  });
});
