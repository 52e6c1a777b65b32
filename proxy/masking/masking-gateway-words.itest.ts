import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { addPeople, collectNotices, pendingRequest, REVIEWER } from "../approvals/testing/approval-fixtures";
import { startMaskingFixture, type MaskingFixture } from "./testing/masking-fixture";

/**
 * The gateway's own words (a hold's notice, a rejection naming the reviewer) are not customer data:
 * they reach the client as written, with the demo policy's detectors on. What they quote that
 * Warden did not write (a reviewer's comment), and everything the server says, is still masked.
 */
describe("masking: the gateway's own messages", () => {
  let fx: MaskingFixture;
  let c: pg.Client;
  beforeAll(async () => {
    fx = await startMaskingFixture();
    await addPeople(fx.db);
    c = await fx.connect({ application_name: "gateway-words" });
    c.on("error", () => {});
  });
  afterAll(async () => {
    await c?.end();
    await fx?.closeAll();
  });

  it("a rejection names the reviewer and the request as written; a card number in the comment is masked", async () => {
    const notices = collectNotices(c);
    const held = c.query("delete from customers").catch((e) => e);
    const request = await pendingRequest(fx.db, "delete from customers");
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "the customer on card 4111 1111 1111 1111 complained" });
    expect(await held).toMatchObject({
      code: "42501",
      message: `Rejected by ${REVIEWER.email} (approval request ${request.id}): the customer on card **** **** **** 1111 complained`,
    });
    // The hold's notice never went through the detectors: its request id and link are as written.
    expect(notices.requestIds()).toEqual([request.id]);
    expect(notices.messages[0]).toMatch(new RegExp(`/approvals/${request.id}$`));
    // The extended protocol's refusal is recognised the same way.
    const held2 = c.query({ text: "update customers set notes = $1", values: ["x"] }).catch((e) => e);
    const request2 = await pendingRequest(fx.db, "update customers set notes = $1");
    await decideApproval(fx.db, { requestId: request2.id, reviewer: REVIEWER, decision: "reject", comment: "write to ann@example.com first" });
    expect(await held2).toMatchObject({ code: "42501", message: `Rejected by ${REVIEWER.email} (approval request ${request2.id}): write to a**@example.com first` });
    expect((await c.query("select count(*)::int as n from customers")).rows).toEqual([{ n: 2 }]);
  });

  it("the server's words stay masked: a unique violation quoting a customer's email, and a client raising Warden-like text itself", async () => {
    const dup = await c.query("insert into customers (id, name, email) values (9, 'Eve', 'ann@example.com')").catch((e) => e);
    expect(dup).toMatchObject({ code: "23505", detail: "Key (email)=(a**@example.com) already exists." });
    // A DO block may copy masked data where lineage cannot see: held for a reviewer, then run.
    const sql = "do $$ begin raise exception using errcode = '42501', message = 'Rejected by ann@example.com (approval request x): 4111 1111 1111 1111'; end $$";
    const running = c.query(sql).catch((e) => e);
    const request = await pendingRequest(fx.db, sql);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
    expect(await running).toMatchObject({ code: "42501", message: "Rejected by a**@example.com (approval request x): **** **** **** 1111" });
  });
});
