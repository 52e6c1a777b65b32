import { describe, expect, it } from "vitest";
import { policyDocumentSchema } from "@/lib/policy/policy-document";
import type { FinalDecision, HoldDecision } from "../hooks/gateway-hooks";
import { forwardOf, resultPolicyOf, withResultPolicy } from "./result-policy";

const policy = policyDocumentSchema.parse({ version: 1, access: { agentRowCap: 50 }, recording: { resultRowCap: 3, resultByteCap: 1000 } });

describe("result policy", () => {
  it("gives agents the agent row cap and everyone the recording caps", () => {
    expect(resultPolicyOf(policy, "agent")).toEqual({ recordedRows: 3, recordedBytes: 1000, clientRows: 50 });
    expect(resultPolicyOf(policy, "human")).toEqual({ recordedRows: 3, recordedBytes: 1000, clientRows: null });
    expect(resultPolicyOf(policy, "service")).toEqual({ recordedRows: 3, recordedBytes: 1000, clientRows: null });
  });

  it("uses the schema's defaults: 100 rows, 256 KiB, no agent cap", () => {
    expect(resultPolicyOf(policyDocumentSchema.parse({ version: 1 }), "agent")).toEqual({ recordedRows: 100, recordedBytes: 256 * 1024, clientRows: null });
  });

  it("allocates one forward decision per policy and kind of actor", () => {
    expect(forwardOf(policy, "agent")).toBe(forwardOf(policy, "agent"));
    expect(forwardOf(policy, "human")).toBe(forwardOf(policy, "service"));
  });

  it("puts the caps on a grant's forward and on the forward a hold's approval becomes, not on a block", async () => {
    const caps = resultPolicyOf(policy, "agent");
    expect(withResultPolicy({ action: "forward", reason: "grant" }, caps)).toEqual({ action: "forward", reason: "grant", result: caps });
    expect(withResultPolicy({ action: "block", sqlState: "42501", message: "no" }, caps)).not.toHaveProperty("result");
    const hold = (final: FinalDecision): HoldDecision => ({ action: "hold", outcome: Promise.resolve(final) });
    const approved = withResultPolicy(hold({ action: "forward", reason: "approved" }), caps) as HoldDecision;
    expect(await approved.outcome).toEqual({ action: "forward", reason: "approved", result: caps });
    const rejected = withResultPolicy(hold({ action: "block", sqlState: "42501", message: "rejected" }), caps) as HoldDecision;
    expect(await rejected.outcome).not.toHaveProperty("result");
  });
});
