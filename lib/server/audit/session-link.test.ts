import { describe, expect, it } from "vitest";
import { sessionLinkOf, statementSummaryOf } from "./session-link";

const S = "5f0c6c1e-8a53-4c6e-9a57-0d8e1f2a3b4c";
const R = "0b7e9d1c-1111-4222-8333-944455556666";

describe("sessionLinkOf", () => {
  it("links session events to the session and statement events to the statement", () => {
    expect(sessionLinkOf({ action: "gateway.session.start", targetType: "session", targetId: S, details: null }, new Map())).toEqual({ sessionId: S, seq: null });
    expect(sessionLinkOf({ action: "session.end_request", targetType: "session", targetId: S, details: { reason: "x" } }, new Map())).toEqual({ sessionId: S, seq: null });
    expect(sessionLinkOf({ action: "gateway.statement", targetType: "session", targetId: S, details: { seq: 7, sql: "select 1" } }, new Map())).toEqual({ sessionId: S, seq: 7 });
  });

  it("links approval events through their request, or through a sessionId in their details", () => {
    const approvals = new Map([[R, { sessionId: S, seq: 3 }]]);
    expect(sessionLinkOf({ action: "approval.approve", targetType: "approval_request", targetId: R, details: null }, approvals)).toEqual({ sessionId: S, seq: 3 });
    expect(sessionLinkOf({ action: "approval.request", targetType: "approval_request", targetId: "other", details: { sessionId: S } }, approvals)).toEqual({ sessionId: S, seq: null });
  });

  it("gives no link to events of no session, or with a malformed id", () => {
    expect(sessionLinkOf({ action: "connection.create", targetType: "connection", targetId: "c1", details: null }, new Map())).toBeNull();
    expect(sessionLinkOf({ action: "gateway.session.start", targetType: "session", targetId: "not-a-uuid", details: null }, new Map())).toBeNull();
    expect(sessionLinkOf({ action: "approval.request", targetType: "approval_request", targetId: R, details: { sessionId: "nope" } }, new Map())).toBeNull();
  });
});

describe("statementSummaryOf", () => {
  it("reads the SQL and decision an event carries, and nothing from events without SQL", () => {
    expect(statementSummaryOf({ action: "gateway.statement", targetType: "session", targetId: S, details: { sql: "select 1", decision: "block", status: "blocked" } })).toEqual({ sql: "select 1", decision: "block", status: "blocked" });
    expect(statementSummaryOf({ action: "approval.request", targetType: "approval_request", targetId: R, details: { sql: "delete from t" } })).toEqual({ sql: "delete from t", decision: null, status: null });
    expect(statementSummaryOf({ action: "connection.create", targetType: "connection", targetId: "c1", details: { name: "x" } })).toBeNull();
    expect(statementSummaryOf({ action: "gateway.statement", targetType: "session", targetId: S, details: ["sql"] })).toBeNull();
  });
});
