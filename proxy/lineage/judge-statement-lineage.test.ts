import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "@/lib/policy/classify-statement";
import { defaultPolicy, demoPolicy } from "@/lib/policy/default-policy";
import type { StatementLineage } from "@/lib/policy/lineage/lineage-types";
import type { SessionInfo, StatementContext } from "../hooks/gateway-hooks";
import { judgeStatementLineage, lineageApprovalRule } from "./judge-statement-lineage";
import type { LineageService } from "./lineage-service";

const email = { schema: "public", table: "customers", column: "email" };
const toClient: StatementLineage = { columns: [{ name: "email", lineage: { kind: "direct", sources: [email] } }], copies: [{ target: { kind: "client" }, lineage: { kind: "direct", sources: [email] } }], predicates: [], undetermined: null };
const actor = { userName: "dev", actorKind: "human" as const, agentName: null, groups: ["developer"], applicationName: null };
const session: SessionInfo = { id: "s", userName: "dev", actorKind: "human", agentName: null, groups: ["developer"], authMethod: "token", connection: { id: "c", name: "c" }, applicationName: null, clientAddress: "" };

function service(lineage: StatementLineage | Promise<StatementLineage>): LineageService & { calls: number } {
  const s = { calls: 0, lineageOf: () => (s.calls++, lineage), knownLineageOf: () => undefined, onStatementFinished: () => {} };
  return s;
}
const ctx = (sql: string, parseError: string | null = null): StatementContext => ({ session, statementId: "x", protocol: "simple", sql, params: null, classification: classifySql(sql).statements[0]!, parseError });

describe("judgeStatementLineage", () => {
  beforeAll(() => loadClassifier());

  it("asks nothing, synchronously, on a connection without column rules or name patterns, or for text that did not parse", () => {
    const s = service(toClient);
    expect(judgeStatementLineage(s, defaultPolicy(), ctx("copy (select email from customers) to stdout"), actor)).toEqual({ action: "forward" });
    expect(judgeStatementLineage(s, demoPolicy(), ctx("copy (select email from customers) to stdout", "syntax error"), actor)).toEqual({ action: "forward" });
    expect(s.calls).toBe(0);
  });

  it("holds COPY (query) TO STDOUT of a masked column, not COPY of a table (masked on the way like a SELECT)", async () => {
    expect(judgeStatementLineage(service(toClient), demoPolicy(), ctx("copy (select email from customers) to stdout"), actor)).toEqual({
      action: "hold",
      reasons: ["copies masked data from customers.email"],
      concerns: ["copies"],
    });
    expect(judgeStatementLineage(service(toClient), demoPolicy(), ctx("copy customers (email) to stdout"), actor)).toEqual({ action: "forward" });
    // Waits for a lineage that is not cached yet.
    await expect(judgeStatementLineage(service(Promise.resolve(toClient)), demoPolicy(), ctx("copy (select email from customers) to stdout"), actor)).resolves.toMatchObject({ action: "hold" });
  });

  it("makes the approval rule a hold runs under from the policy's lineage section", () => {
    const policy = demoPolicy();
    policy.masking.lineage.reviewerGroups = ["privacy"];
    expect(lineageApprovalRule(policy, { action: "hold", reasons: [], concerns: ["inference"] })).toEqual({
      id: "masked-inference",
      name: "Inference on masked data",
      isEnabled: true,
      match: {},
      reviewerGroups: ["privacy"],
      minApprovals: 1,
      timeoutSeconds: 900,
      allowGrants: false,
    });
    expect(lineageApprovalRule(policy, { action: "hold", reasons: [], concerns: ["inference", "copies"] })).toMatchObject({ id: "masked-copies", name: "Copies of masked data" });
  });
});
