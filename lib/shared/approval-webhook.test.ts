import { describe, expect, it } from "vitest";
import { approvalWebhookMessage } from "./approval-webhook";

const facts = {
  id: "5f0c2a7e-0000-4000-8000-000000000001",
  connectionName: "orders",
  requester: "dev@example.com",
  actorKind: "agent",
  agentName: "claude-code",
  sql: "delete from t where a < 1 && b > 2 ```",
  ruleName: "Agents' writes",
  reasons: ["a write statement (DeleteStmt)", "sent by an agent"],
  reviewerGroups: ["reviewer"],
};

describe("approvalWebhookMessage", () => {
  it("gives chat tools a plain text line and Slack its blocks", () => {
    const m = approvalWebhookMessage("requested", facts, "https://w.example.com");
    expect(m.text).toBe(`Warden: a statement by dev@example.com (agent claude-code) on orders needs approval: https://w.example.com/approvals/${facts.id}`);
    expect(m.blocks.map((b) => b.type)).toEqual(["section", "section", "context"]);
    expect(JSON.stringify(m.blocks[0])).toContain("Reviewers: reviewer");
  });

  it("escapes Slack's markup characters and cannot be broken out of the code block", () => {
    const sql = (approvalWebhookMessage("requested", facts, "u").blocks[1] as { text: { text: string } }).text.text;
    expect(sql.startsWith("```") && sql.endsWith("```")).toBe(true);
    expect(sql.slice(3, -3)).not.toContain("```");
    expect(sql).toContain("a &lt; 1 &amp;&amp; b &gt; 2");
  });

  it("says who decided, with their comment", () => {
    const m = approvalWebhookMessage("rejected", { ...facts, decidedBy: "rita@example.com", decisionComment: "no" }, "u");
    expect(m.text).toContain("was rejected");
    expect(JSON.stringify(m.blocks[0])).toContain("Decided by rita@example.com: no");
  });

  it("names the subject and, when someone else minted the token, the minter", () => {
    const m = approvalWebhookMessage("requested", { ...facts, agentName: null, actorKind: "human", requesterMintedBy: "admin@example.com" }, "u");
    expect(m.text).toBe(`Warden: a statement by dev@example.com (human, minted by admin@example.com) on orders needs approval: u/approvals/${facts.id}`);
    expect(JSON.stringify(m.blocks[0])).toContain("By dev@example.com (human, minted by admin@example.com)");
    expect(approvalWebhookMessage("requested", { ...facts, requesterMintedBy: "DEV@example.com" }, "u").text).not.toContain("minted by");
  });
});
