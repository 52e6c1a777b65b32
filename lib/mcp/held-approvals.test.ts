import { describe, expect, it } from "vitest";
import type { GatewaySession, StatementResult } from "./gateway-session";
import { HeldApprovals } from "./held-approvals";

const ID = "3f6c1d7e-0b5a-4c1e-9d7a-2b8e4f6a1c3d";
const result: StatementResult = { command: "UPDATE", rowCount: 1, columns: [], rows: [], totalRows: 0, isTruncated: false };

function heldStatement() {
  let settle!: { resolve(r: StatementResult): void; reject(e: unknown): void };
  const outcome = new Promise<StatementResult>((resolve, reject) => (settle = { resolve, reject }));
  let isClosed = false;
  const session = { close: async () => void (isClosed = true) } as unknown as GatewaySession;
  return { held: { requestId: ID, notice: `Warden is holding this statement for approval request ${ID} (rule: reason).`, outcome }, session, settle, isClosed: () => isClosed };
}

describe("HeldApprovals", () => {
  it("is pending until the statement ends, then approved with its outcome; the waiting session closes", async () => {
    const approvals = new HeldApprovals();
    const h = heldStatement();
    expect(approvals.add("update t set x = 1", h.held, h.session)).toMatchObject({ status: "pending", requestId: ID });
    expect(await approvals.wait(ID, 10)).toMatchObject({ status: "pending" });
    h.settle.resolve(result);
    expect(await approvals.wait(ID, 1000)).toMatchObject({ status: "approved", result: { command: "UPDATE", rowCount: 1 } });
    expect(approvals.get(ID)?.status).toBe("approved");
    expect(h.isClosed()).toBe(true);
  });

  it("reads a rejection's reviewer and comment, a timeout, and any other error as failed", async () => {
    const cases = [
      [{ sqlState: "42501", message: `Rejected by rita@example.com (approval request ${ID}): Not during the freeze.\nAsk again Monday.` }, { status: "rejected", reviewer: "rita@example.com", comment: "Not during the freeze.\nAsk again Monday." }],
      [{ sqlState: "57014", message: `canceling statement due to approval timeout: nobody decided on approval request ${ID} within 15 minutes` }, { status: "timed_out" }],
      [{ sqlState: "23505", message: "duplicate key value violates unique constraint" }, { status: "failed", error: { sqlState: "23505" } }],
    ] as const;
    for (const [error, expected] of cases) {
      const approvals = new HeldApprovals();
      const h = heldStatement();
      approvals.add("update t set x = 1", h.held, h.session);
      h.settle.reject(error);
      expect(await approvals.wait(ID, 1000)).toMatchObject(expected);
    }
  });

  it("knows nothing of requests it was not given", async () => {
    expect(await new HeldApprovals().wait(ID, 1)).toBeUndefined();
  });

  it("names the subject, and the minter the gateway's notice names", () => {
    const h = heldStatement();
    const notice = `${h.held.notice} It runs as dev@example.com, under a token minted by admin@example.com; neither may approve it. Review it at u/approvals/${ID}`;
    expect(new HeldApprovals("dev@example.com").add("delete from t", { ...h.held, notice }, h.session).requester).toEqual({ subject: "dev@example.com", mintedBy: "admin@example.com" });
    expect(new HeldApprovals("dev@example.com").add("delete from t", h.held, h.session).requester).toEqual({ subject: "dev@example.com", mintedBy: null });
  });
});
