import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { addPeople, pendingRequest, REVIEWER } from "../approvals/testing/approval-fixtures";
import { startMaskingFixture, type MaskingFixture } from "../masking/testing/masking-fixture";

/**
 * Inference on masked columns (issue 13, item 3) through a real gateway with the demo policy's
 * column rules: off by default; when on, an agent's statement that filters, sorts or groups on a
 * masked column is held or refused, and a person's is not (inferenceActorKinds: agents).
 */
function withInference(inference: "off" | "hold" | "block"): PolicyDocument {
  const demo = demoPolicy();
  return { ...demo, masking: { ...demo.masking, lineage: { ...demo.masking.lineage, inference } } };
}

const PROBES: { sql: string; reasons: string[] }[] = [
  { sql: "select id, name from customers where email = 'ann@example.com'", reasons: ["filters on masked column customers.email (where)"] },
  { sql: "select id, name from customers order by card_number", reasons: ["filters on masked column customers.card_number (order by)"] },
  { sql: "select count(*) from customers where card_number like '4111%'", reasons: ["filters on masked column customers.card_number (where)"] },
];

describe("lineage: inference on masked columns", () => {
  let fx: MaskingFixture;
  let agent: pg.Client;
  let human: pg.Client;
  beforeAll(async () => {
    fx = await startMaskingFixture();
    await addPeople(fx.db);
    const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "prober" });
    agent = await fx.connect({ password: agentToken, application_name: "inference-agent" });
    agent.on("error", () => {});
    human = await fx.connect({ application_name: "inference-human" });
  });
  afterAll(async () => {
    await agent?.end();
    await human?.end();
    await fx?.closeAll();
  });

  it("is off by default: an agent's WHERE email = …, ORDER BY card_number and LIKE '4111%' run", async () => {
    expect((await agent.query(PROBES[0]!.sql)).rows).toEqual([{ id: 1, name: "Ann Lee" }]);
    expect((await agent.query(PROBES[1]!.sql)).rows.map((r) => r.id)).toEqual([1, 2]);
    expect((await agent.query(PROBES[2]!.sql)).rows).toEqual([{ count: "1" }]);
  });

  it("block: refuses an agent's predicates on masked columns with the reason; a human's run; other predicates run", async () => {
    await fx.setPolicy(withInference("block"));
    try {
      for (const { sql, reasons } of PROBES) {
        await expect(agent.query(sql), sql).rejects.toMatchObject({ code: "42501", message: `Inference on masked data: ${reasons.join("; ")}` });
      }
      expect((await human.query(PROBES[0]!.sql)).rows).toEqual([{ id: 1, name: "Ann Lee" }]);
      expect((await human.query(PROBES[2]!.sql)).rows).toEqual([{ count: "1" }]);
      // Not on a masked column: the agent's statement runs, masked as usual.
      expect((await agent.query("select email from customers where name = 'Ann Lee' order by id")).rows).toEqual([{ email: "a**@example.com" }]);
      // In the extended protocol too.
      await expect(agent.query("select id from customers where email = $1", ["ann@example.com"])).rejects.toMatchObject({
        code: "42501",
        message: "Inference on masked data: filters on masked column customers.email (where)",
      });
    } finally {
      await fx.setPolicy(demoPolicy());
    }
  });

  it("hold: holds an agent's filter on a masked column for a reviewer", async () => {
    await fx.setPolicy(withInference("hold"));
    try {
      const sql = PROBES[2]!.sql;
      const held = agent.query(sql);
      const request = await pendingRequest(fx.db, sql);
      expect(request).toMatchObject({ ruleId: "masked-inference", reasons: PROBES[2]!.reasons, reviewerGroups: ["reviewer"], actorKind: "agent", allowGrants: false });
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
      expect((await held).rows).toEqual([{ count: "1" }]);
      // A human is not held.
      expect((await human.query(PROBES[1]!.sql)).rows.map((r) => r.id)).toEqual([1, 2]);
    } finally {
      await fx.setPolicy(demoPolicy());
    }
  });
});
