import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/create-db";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { createTestStore } from "@/tests/test-database";
import { createConnection } from "../connections/create-connection";
import { previewPolicy } from "./preview-policy";
import { savePolicyVersion } from "./save-policy-version";

const agent = { userName: "dev@example.com", actorKind: "agent" as const, agentName: "claude-code", groups: ["developer"], applicationName: null };
const human = { ...agent, actorKind: "human" as const, agentName: null };

describe("policy preview (real PostgreSQL, real classifier)", () => {
  let db: Db;
  let connectionId: string;

  beforeAll(async () => {
    db = createDb(await createTestStore());
    const created = await createConnection(db, randomBytes(32), "admin@example.com", {
      name: `shop-${randomBytes(3).toString("hex")}`,
      host: "localhost",
      port: 5432,
      database: "shop",
      username: "app",
      sslmode: "disable",
      allowedGroups: ["developer"],
    });
    connectionId = created.id;
  });
  afterAll(() => db.$client.end());

  it("holds an agent's write under the default policy, with the rule, reasons and review terms", async () => {
    const preview = await previewPolicy(db, { connectionId, sql: "update orders set status = 'paid' where id = 1", actor: agent });
    expect(preview).toMatchObject({ policyVersion: 1, parseError: null });
    expect(preview.statements).toEqual([
      expect.objectContaining({ kind: "write", command: "UpdateStmt", flags: [], relations: [{ schema: null, name: "orders", access: "write" }], fingerprint: expect.any(String) }),
    ]);
    expect(preview.decision).toMatchObject({ action: "hold", rule: { id: "hold-agent-writes" }, reviewerGroups: ["reviewer"], minApprovals: 1, allowGrants: true, statementIndex: 0 });
    expect((preview.decision as { reasons: string[] }).reasons.length).toBeGreaterThan(0);
  });

  it("forwards a person's read, and classifies every statement of a multi-statement string", async () => {
    const preview = await previewPolicy(db, { connectionId, sql: "select 1; select * from customers", actor: human });
    expect(preview.statements.map((s) => s.kind)).toEqual(["read", "read"]);
    expect(preview.decision).toEqual({ action: "forward" });
  });

  it("follows the fail-closed rule for SQL that does not parse", async () => {
    const preview = await previewPolicy(db, { connectionId, sql: "selec oops", actor: human });
    expect(preview.parseError).toEqual(expect.any(String));
    expect(preview.decision).toMatchObject({ action: "block", rule: { id: "fail-closed" } });
  });

  it("evaluates the newest saved version", async () => {
    const doc = defaultPolicy();
    doc.guardrails.push({ id: "block-truncate", name: "No TRUNCATE", isEnabled: true, match: { flags: ["truncate"] }, message: "TRUNCATE is not allowed here." });
    await savePolicyVersion(db, "admin@example.com", connectionId, doc, "block truncate");
    const preview = await previewPolicy(db, { connectionId, sql: "truncate orders", actor: human });
    expect(preview).toMatchObject({ policyVersion: 2, decision: { action: "block", rule: { id: "block-truncate", name: "No TRUNCATE" }, message: "TRUNCATE is not allowed here.", sqlState: "42501" } });
    expect(preview.statements[0].flags).toContain("truncate");
  });

  it("answers 404 for an unknown connection", async () => {
    await expect(previewPolicy(db, { connectionId: "00000000-0000-4000-8000-000000000000", sql: "select 1", actor: human })).rejects.toMatchObject({ status: 404 });
  });
});
