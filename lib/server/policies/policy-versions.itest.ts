import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections, policyVersions } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { createStoreListener, STORE_CHANNELS, type StoreListener } from "@/lib/db/store-listener";
import { defaultPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { createTestStore } from "@/tests/test-database";
import { createConnection } from "../connections/create-connection";
import { getCurrentPolicy } from "./get-current-policy";
import { getPolicyVersion } from "./get-policy-version";
import { listPolicyVersions } from "./list-policy-versions";
import { restorePolicyVersion } from "./restore-policy-version";
import { savePolicyVersion } from "./save-policy-version";

const ADMIN = "admin@example.com";

const withTruncateGuardrail = (doc: PolicyDocument): PolicyDocument => ({
  ...doc,
  guardrails: [...doc.guardrails, { id: "block-truncate", name: "No TRUNCATE", isEnabled: true, match: { flags: ["truncate"] }, message: "TRUNCATE is not allowed." }],
});

describe("policy versions (real PostgreSQL)", () => {
  let db: Db;
  let listener: StoreListener;
  const notified: string[] = [];

  beforeAll(async () => {
    const url = await createTestStore();
    db = createDb(url);
    listener = createStoreListener(url);
    listener.on(STORE_CHANNELS.policyChanged, (payload) => notified.push(payload));
  });
  afterAll(async () => {
    await listener.close();
    await db.$client.end();
  });

  const newConnection = () =>
    createConnection(db, randomBytes(32), ADMIN, {
      name: `shop-${randomBytes(3).toString("hex")}`,
      host: "localhost",
      port: 5432,
      database: "shop",
      username: "app",
      sslmode: "disable",
      allowedGroups: ["developer"],
    });

  const waitFor = async (predicate: () => boolean) => {
    for (let i = 0; i < 100 && !predicate(); i++) await new Promise((r) => setTimeout(r, 50));
    return predicate();
  };

  it("reads the newest version, and the default (version 0) for a connection that never saved one", async () => {
    const created = await newConnection();
    expect(await getCurrentPolicy(db, created.id)).toMatchObject({ version: 1, isDefault: false, author: ADMIN, document: defaultPolicy() });

    const [bare] = await db
      .insert(connections)
      .values({ name: `bare-${randomBytes(3).toString("hex")}`, host: "h", port: 5432, database: "d", username: "u", sslmode: "disable", allowedGroups: [], createdBy: ADMIN })
      .returning();
    expect(await getCurrentPolicy(db, bare.id)).toEqual({ connectionId: bare.id, version: 0, document: defaultPolicy(), isDefault: true, author: null, comment: "", createdAt: null });
    expect(await listPolicyVersions(db, bare.id)).toEqual([]);
  });

  it("saves version N+1 with an audit event of both documents and a NOTIFY, all on commit", async () => {
    const { id } = await newConnection();
    const next = withTruncateGuardrail(defaultPolicy());
    const saved = await savePolicyVersion(db, ADMIN, id, next, "  Block TRUNCATE for everyone  ");
    expect(saved).toMatchObject({ connectionId: id, version: 2, author: ADMIN, comment: "Block TRUNCATE for everyone", document: next });

    expect(await getCurrentPolicy(db, id)).toMatchObject({ version: 2, document: next });
    expect((await listPolicyVersions(db, id)).map((v) => [v.version, v.comment])).toEqual([
      [2, "Block TRUNCATE for everyone"],
      [1, "Initial policy"],
    ]);
    expect((await getPolicyVersion(db, id, 1)).document).toEqual(defaultPolicy());

    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "policy.update")));
    expect(event).toMatchObject({ actor: ADMIN, targetType: "connection", before: defaultPolicy(), after: next, details: { fromVersion: 1, toVersion: 2, comment: "Block TRUNCATE for everyone" } });
    expect(await waitFor(() => notified.includes(id))).toBe(true);
  });

  it("refuses an invalid document with errors keyed by JSON path, and writes nothing", async () => {
    const { id } = await newConnection();
    const bad = defaultPolicy();
    bad.guardrails[0].message = "";
    bad.approvals[1].reviewerGroups = [];
    await expect(savePolicyVersion(db, ADMIN, id, bad, "broken")).rejects.toMatchObject({
      status: 400,
      fieldErrors: { "guardrails.0.message": "Tell the client why it was blocked.", "approvals.1.reviewerGroups": "Name at least one reviewer group." },
    });
    await expect(savePolicyVersion(db, ADMIN, id, { version: 2 }, "wrong shape")).rejects.toMatchObject({ status: 400, fieldErrors: { version: expect.any(String) } });
    expect(await db.select().from(policyVersions).where(eq(policyVersions.connectionId, id))).toHaveLength(1);
    expect(await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "policy.update")))).toHaveLength(0);
  });

  it("serialises concurrent saves into consecutive versions", async () => {
    const { id } = await newConnection();
    const saves = await Promise.all(
      Array.from({ length: 5 }, (_, i) => savePolicyVersion(db, ADMIN, id, { ...defaultPolicy(), failClosed: i % 2 ? "hold" : "block" }, `save ${i}`)),
    );
    expect(saves.map((s) => s.version).sort()).toEqual([2, 3, 4, 5, 6]);
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "policy.update")));
    expect(events.map((e) => (e.details as { toVersion: number }).toVersion).sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it("refuses to save over a version someone else saved after the edit began", async () => {
    const { id } = await newConnection();
    await savePolicyVersion(db, "other@example.com", id, withTruncateGuardrail(defaultPolicy()), "theirs", { baseVersion: 1 });
    await expect(savePolicyVersion(db, ADMIN, id, defaultPolicy(), "mine", { baseVersion: 1 })).rejects.toMatchObject({ status: 409, message: expect.stringContaining("Version 2") });
    expect((await getCurrentPolicy(db, id)).comment).toBe("theirs");
  });

  it("refuses a rule that matches every statement unless the save confirms it, keyed by the rule's match", async () => {
    const { id } = await newConnection();
    const blockAll = defaultPolicy();
    blockAll.guardrails.push({ id: "block-all", name: "Freeze", isEnabled: true, match: {}, message: "Frozen for the audit." });
    const at = blockAll.guardrails.length - 1;
    await expect(savePolicyVersion(db, ADMIN, id, blockAll, "freeze")).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("matches every statement"),
      fieldErrors: { [`guardrails.${at}.match`]: expect.stringMatching(/^This rule matches every statement: it blocks every statement/) },
    });
    await expect(savePolicyVersion(db, ADMIN, id, blockAll, "freeze", { confirmMatchAll: false })).rejects.toMatchObject({ status: 422 });
    expect(await listPolicyVersions(db, id)).toHaveLength(1);

    const saved = await savePolicyVersion(db, ADMIN, id, blockAll, "freeze", { confirmMatchAll: true });
    expect(saved.version).toBe(2);
    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "policy.update")));
    expect(event!.details).toMatchObject({ toVersion: 2, confirmedMatchAll: ["block-all"] });

    // A rule switched off matches nothing, so it needs no confirmation.
    blockAll.guardrails[at]!.isEnabled = false;
    await expect(savePolicyVersion(db, ADMIN, id, blockAll, "thaw")).resolves.toMatchObject({ version: 3 });
  });

  it("restores an earlier version as a new version, audited as policy.update from version N, and listed in the history", async () => {
    const { id } = await newConnection();
    const v2 = withTruncateGuardrail(defaultPolicy());
    await savePolicyVersion(db, ADMIN, id, v2, "Block TRUNCATE");
    await savePolicyVersion(db, ADMIN, id, { ...v2, failClosed: "hold" }, "Hold what cannot be parsed");

    const restored = await restorePolicyVersion(db, "restorer@example.com", id, 2, { reason: "hold was too strict", baseVersion: 3 });
    expect(restored).toMatchObject({ version: 4, author: "restorer@example.com", comment: "Restored from version 2: hold was too strict", document: v2 });
    expect(await getCurrentPolicy(db, id)).toMatchObject({ version: 4, document: v2 });
    // History is kept: version 3 is still there, and the restore is listed as what it is.
    expect((await listPolicyVersions(db, id)).map((v) => [v.version, v.comment])).toEqual([
      [4, "Restored from version 2: hold was too strict"],
      [3, "Hold what cannot be parsed"],
      [2, "Block TRUNCATE"],
      [1, "Initial policy"],
    ]);
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "policy.update")));
    const event = events.find((e) => (e.details as { toVersion: number }).toVersion === 4);
    expect(event).toMatchObject({
      actor: "restorer@example.com",
      before: { ...v2, failClosed: "hold" },
      after: v2,
      details: { fromVersion: 3, toVersion: 4, restoredFromVersion: 2, summary: "Restored from version 2", comment: "Restored from version 2: hold was too strict" },
    });
    expect(await waitFor(() => notified.filter((n) => n === id).length >= 3)).toBe(true);

    // Restoring what is already in force changes nothing, so it is refused; so is a restore over a newer version.
    await expect(restorePolicyVersion(db, ADMIN, id, 2)).rejects.toMatchObject({ status: 409, message: expect.stringContaining("nothing to restore") });
    await expect(restorePolicyVersion(db, ADMIN, id, 3, { baseVersion: 3 })).rejects.toMatchObject({ status: 409, message: expect.stringContaining("Version 4") });
    await expect(restorePolicyVersion(db, ADMIN, id, 9)).rejects.toMatchObject({ status: 404 });
    expect(await listPolicyVersions(db, id)).toHaveLength(4);
  });

  it("asks a restore of a version with a rule that matches every statement for the same confirmation", async () => {
    const { id } = await newConnection();
    const holdAll = defaultPolicy();
    holdAll.approvals.push({ id: "hold-all", name: "Review everything", isEnabled: true, match: { actorKinds: ["human", "agent", "service"] }, reviewerGroups: ["reviewer"], minApprovals: 1, timeoutSeconds: 600, allowGrants: false });
    await savePolicyVersion(db, ADMIN, id, holdAll, "review all", { confirmMatchAll: true });
    await savePolicyVersion(db, ADMIN, id, defaultPolicy(), "back to normal");
    await expect(restorePolicyVersion(db, ADMIN, id, 2)).rejects.toMatchObject({ status: 422, fieldErrors: { [`approvals.${holdAll.approvals.length - 1}.match`]: expect.stringContaining("waits for a reviewer") } });
    await expect(restorePolicyVersion(db, ADMIN, id, 2, { confirmMatchAll: true })).resolves.toMatchObject({ version: 4, document: holdAll });
  });

  it("answers 404 for unknown connections and versions", async () => {
    const { id } = await newConnection();
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expect(getCurrentPolicy(db, unknown)).rejects.toMatchObject({ status: 404 });
    await expect(listPolicyVersions(db, "not-a-uuid")).rejects.toMatchObject({ status: 404 });
    await expect(getPolicyVersion(db, id, 7)).rejects.toMatchObject({ status: 404 });
    await expect(savePolicyVersion(db, ADMIN, unknown, defaultPolicy(), "x")).rejects.toMatchObject({ status: 404 });
  });
});
