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

  it("answers 404 for unknown connections and versions", async () => {
    const { id } = await newConnection();
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expect(getCurrentPolicy(db, unknown)).rejects.toMatchObject({ status: 404 });
    await expect(listPolicyVersions(db, "not-a-uuid")).rejects.toMatchObject({ status: 404 });
    await expect(getPolicyVersion(db, id, 7)).rejects.toMatchObject({ status: 404 });
    await expect(savePolicyVersion(db, ADMIN, unknown, defaultPolicy(), "x")).rejects.toMatchObject({ status: 404 });
  });
});
