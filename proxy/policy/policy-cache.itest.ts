import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, policyVersions } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { createStoreListener, type StoreListener } from "@/lib/db/store-listener";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { createTestStore } from "@/tests/test-database";
import type { SessionInfo, StatementContext } from "../hooks/gateway-hooks";
import { createLogger } from "../log";
import { createGatewayDb } from "../store-db";
import { openCuttableLink, type CuttableLink } from "../testing/cuttable-link";
import { createPolicyEnforcement } from "./enforce-policy";
import { InvalidPolicy, PolicyCache, PolicyStoreUnreachable } from "./policy-cache";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The policy cache through a store outage, against a real store reached through a link the test can
 * close (connections refused, open ones cut): the last policy stays in force, a fresh read replaces it
 * once the store answers, and nothing stands in for a policy that never loaded or no longer validates.
 */
describe("PolicyCache through a store outage", () => {
  let storeUrl: string;
  let admin: Db;
  let link: CuttableLink;
  let viaLink: Db;
  let listener: StoreListener;
  const connectionId = randomUUID();

  const saveVersion = (version: number, document: unknown) => admin.insert(policyVersions).values({ connectionId, version, document, author: "test" });
  const withGuardrailMessage = (message: string) => ({
    ...defaultPolicy(),
    guardrails: [{ id: "g", name: "G", isEnabled: true, match: { flags: ["truncate"] }, message }],
  });

  beforeAll(async () => {
    storeUrl = await createTestStore();
    admin = createDb(storeUrl, { max: 2 });
    await admin.insert(connections).values({ id: connectionId, name: "c", host: "127.0.0.1", port: 1, database: "x", username: "x", createdBy: "test" });
    await saveVersion(1, withGuardrailMessage("version 1"));
    const u = new URL(storeUrl);
    link = await openCuttableLink(u.hostname, Number(u.port || 5432));
    u.hostname = "127.0.0.1";
    u.port = String(link.port);
    viaLink = createGatewayDb(u.toString(), { connectTimeoutMs: 1000 });
    viaLink.$client.on("connect", (client) => client.on("error", () => {}));
    listener = createStoreListener(storeUrl, { onError: () => {} });
  });
  afterAll(async () => {
    await listener?.close();
    await viaLink?.$client.end().catch(() => {});
    await link?.close();
    await admin?.$client.end();
  });

  it("reads an aged entry again in the background, and keeps the last policy while the store is away (and says so)", async () => {
    const cache = new PolicyCache(viaLink, undefined, 200, 100);
    const stale: number[] = [];
    cache.onStale((_id, kept) => stale.push(kept.version));
    expect((await cache.get(connectionId)).version).toBe(1);

    // Past its age, the entry still answers at once while a fresh read runs.
    await saveVersion(2, withGuardrailMessage("version 2"));
    await sleep(250);
    expect((await cache.get(connectionId)).version).toBe(1);
    await sleep(50);
    expect(cache.peek(connectionId)?.version).toBe(2);

    link.cut();
    await link.close();
    await sleep(250);
    for (let i = 0; i < 4; i++) {
      expect((await cache.get(connectionId)).version).toBe(2);
      await sleep(150);
    }
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.every((v) => v === 2)).toBe(true);
    // Even a change notice does not leave the connection without a policy while the store is away.
    cache.invalidate(connectionId);
    expect((await cache.get(connectionId)).version).toBe(2);
  });

  it("without any policy loaded, an outage is PolicyStoreUnreachable, and the policy hook refuses with 57P03", async () => {
    const closed = createGatewayDb(`postgresql://nobody@127.0.0.1:${await findFreePort()}/store`, { connectTimeoutMs: 1000 });
    closed.$client.on("connect", (client) => client.on("error", () => {}));
    try {
      const cache = new PolicyCache(closed, undefined, 200, 100);
      await expect(cache.get(connectionId)).rejects.toBeInstanceOf(PolicyStoreUnreachable);
      const logs: Record<string, unknown>[] = [];
      const enforcement = createPolicyEnforcement({ db: admin, listener, policies: cache, instance: "test", publicUrl: "http://localhost:3000", log: createLogger("info", (l) => logs.push(JSON.parse(l))) });
      const session: SessionInfo = { id: randomUUID(), userName: "dev@example.com", actorKind: "human", agentName: null, groups: ["developer"], authMethod: "token", connection: { id: connectionId, name: "c" }, applicationName: null, clientAddress: "127.0.0.1" };
      const ctx = { session, statementId: randomUUID(), protocol: "simple", sql: "select 1", params: null, classification: { sql: "select 1", kind: "read", command: "SelectStmt", relations: [], fingerprint: null, flags: [] }, parseError: null } satisfies StatementContext;
      expect(await enforcement.decideStatement(ctx)).toMatchObject({ action: "block", sqlState: "57P03", message: "the Warden store is unreachable; try again" });
      expect(await enforcement.decideStartupSettings(session, [])).toMatchObject({ action: "refuse", setting: null, sqlState: "57P03" });
      await enforcement.close();
    } finally {
      await closed.$client.end();
    }
  });

  it("never lets an older version stand in for one that no longer validates: fails closed", async () => {
    const cache = new PolicyCache(admin, undefined, 200, 100);
    expect((await cache.get(connectionId)).version).toBe(2);
    await saveVersion(3, { version: 1, guardrails: "not a list" });
    cache.invalidate(connectionId);
    await expect(cache.get(connectionId)).rejects.toBeInstanceOf(InvalidPolicy);
    // Found by the age safety net too: the aged entry is dropped, and the read after it fails.
    const aged = new PolicyCache(admin, undefined, 100, 50);
    await admin.delete(policyVersions).where(and(eq(policyVersions.connectionId, connectionId), eq(policyVersions.version, 3)));
    expect((await aged.get(connectionId)).version).toBe(2);
    await saveVersion(3, { version: 1, guardrails: "not a list" });
    await sleep(150);
    await aged.get(connectionId);
    await sleep(100);
    await expect(aged.get(connectionId)).rejects.toBeInstanceOf(InvalidPolicy);
  });
});
